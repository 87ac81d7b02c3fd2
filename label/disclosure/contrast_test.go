package disclosure

import (
	"errors"
	"image/color"
	"math"
	"testing"
)

func TestContrastRatioKnownValues(t *testing.T) {
	for _, c := range []struct {
		a, b color.Color
		want float64
	}{
		{color.White, color.Black, 21},
		{color.NRGBA{0x77, 0x77, 0x77, 255}, color.White, 4.48}, // the classic just-failing grey
		{color.NRGBA{0x76, 0x76, 0x76, 255}, color.White, 4.54},
		{color.NRGBA{255, 0, 0, 255}, color.White, 4.00},
		{color.White, color.White, 1},
	} {
		if got := ContrastRatio(c.a, c.b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("ContrastRatio(%v, %v) = %.3f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}

func TestWorstCaseContrast(t *testing.T) {
	for _, c := range []struct {
		name       string
		text, back color.NRGBA
		min, max   float64
	}{
		{"default", DefaultText, DefaultBackdrop, 12.5, 12.7},
		{"opaque black", DefaultText, color.NRGBA{0, 0, 0, 255}, 21, 21},
		{"30 % black", DefaultText, color.NRGBA{0, 0, 0, 77}, 2.0, 2.2},
		{"black on 80 % white", color.NRGBA{0, 0, 0, 255}, color.NRGBA{255, 255, 255, 204}, 13.0, 13.2},
		{"grey text inside span", color.NRGBA{128, 128, 128, 255}, color.NRGBA{0, 0, 0, 128}, 1, 1.05},
	} {
		got := WorstCaseContrast(c.text, c.back)
		if got < c.min || got > c.max {
			t.Errorf("%s: worst-case contrast %.2f, want [%.2f, %.2f]", c.name, got, c.min, c.max)
		}
	}
}

func TestPlanRefusesLowContrast(t *testing.T) {
	_, err := Plan(rect(1920, 1080), longKZ(), BadgeOptions{Backdrop: color.NRGBA{0, 0, 0, 77}})
	if !errors.Is(err, ErrContrast) {
		t.Fatalf("err %v, want ErrContrast", err)
	}
}
