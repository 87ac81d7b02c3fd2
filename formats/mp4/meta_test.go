package mp4

import (
	"testing"
)

// TestSetQuickTimeKeysLayout: keys end up in Apple's moov/meta (no version
// and flags, hdlr first) whatever the input had, keeping other keys, and
// the result parses back with the same values.
func TestSetQuickTimeKeysLayout(t *testing.T) {
	isoMeta := func() *Node {
		return NewContainer("meta", []byte{0, 0, 0, 0},
			NewLeaf("hdlr", hdlrPayload("\x00\x00\x00\x00", "mdta", "", "")),
			NewLeaf("keys", buildKeys([]string{"com.android.version"})),
			NewContainer("ilst", nil, NewContainer("\x00\x00\x00\x01", nil, dataBox("12"))))
	}
	appleMeta := func() *Node {
		m := isoMeta()
		m.Prefix = nil
		return m
	}
	iTunesMeta := func() *Node {
		return NewContainer("meta", []byte{0, 0, 0, 0},
			NewLeaf("hdlr", hdlrPayload("\x00\x00\x00\x00", "mdir", "appl", "")),
			NewContainer("ilst", nil, NewContainer(ItemTool, nil, dataBox("Lavf"))))
	}
	mvhd := func() *Node { return NewLeaf("mvhd", make([]byte, 100)) }
	for _, tc := range []struct {
		name     string
		moov     *Node
		keepKeys bool
	}{
		{"no metadata", NewContainer("moov", nil, mvhd()), false},
		{"ffmpeg udta/meta", NewContainer("moov", nil, mvhd(), NewContainer("udta", nil, isoMeta(), iTunesMeta())), true},
		{"apple moov/meta", NewContainer("moov", nil, mvhd(), NewContainer("udta", nil, iTunesMeta()), appleMeta()), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := SetQuickTimeKeys(tc.moov, map[string]string{"com.apple.quicktime.description": "AI"}, []string{"com.apple.quicktime.description"}); err != nil {
				t.Fatal(err)
			}
			if err := SetITunes(tc.moov, map[string]string{ItemComment: "AI"}, []string{ItemComment}); err != nil {
				t.Fatal(err)
			}
			moov, err := ParseNode(tc.moov.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			metas := moov.All("meta")
			if len(metas) != 1 || len(metas[0].Prefix) != 0 || metas[0].Children[0].Type != "hdlr" || HandlerType(metas[0].Child("hdlr")) != "mdta" {
				t.Fatalf("moov/meta: %d boxes, want one in Apple's layout (%+v)", len(metas), metas)
			}
			if udta := moov.Child("udta"); udta != nil {
				if m := udta.All("meta"); len(m) != 1 || HandlerType(m[0].Child("hdlr")) != "mdir" {
					t.Errorf("udta holds %d meta boxes, want only the iTunes one", len(m))
				}
			}
			kv := QuickTimeKeys(moov)
			if kv["com.apple.quicktime.description"] != "AI" {
				t.Errorf("keys %v", kv)
			}
			if _, ok := kv["com.android.version"]; ok != tc.keepKeys {
				t.Errorf("existing key kept = %v, want %v", ok, tc.keepKeys)
			}
			if it := ITunes(moov); it[ItemComment] != "AI" {
				t.Errorf("iTunes %v", it)
			}
		})
	}
}
