// Package tdm writes and checks machine-readable reservations against text
// and data mining, including AI training (Kazakhstan AI Law Art. 23, EU DSM
// Directive Art. 4(3)).
//
// No single format exists yet (Kazakhstan's by-law is still being drafted),
// so belgi writes every recognised signal and, when checking, lets the most
// restrictive one win. The schemes:
//
//   - robots.txt (RFC 9309) per-crawler groups for the AI crawlers, plus
//     Cloudflare's Content-Signal (ai-train=no) and the IETF AI-preferences
//     Content-Usage (train-ai=n) lines;
//   - W3C TDMRep: /.well-known/tdmrep.json, the tdm-reservation and
//     tdm-policy HTTP headers, HTML <meta> tags and the file's XMP, with
//     TDMRep's own precedence (well-known < header < HTML < file);
//   - the HTTP Content-Usage header and X-Robots-Tag / robots meta "noai";
//   - per-file metadata (IPTC plus:DataMining, tdm:reservation, the CAWG
//     training-mining assertion), which package label reads and hands in
//     as FileSignals.
//
// The package never touches the network: crawlers fetch, then pass bytes and
// headers in. It is not a robots.txt crawler policy engine for indexing; it
// answers one question: may this content be used to train AI?
package tdm
