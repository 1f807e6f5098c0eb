package ids

import (
	"strings"
	"testing"
)

func TestValidateMobile(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"13800138000", true},
		{"19912345678", true},
		{"12345678901", false},
		{"1380013800", false},
		{"138001380000", false},
		{"1380013800a", false},
		{"", false},
	}
	for _, tt := range tests {
		if err := ValidateMobile(tt.in); (err == nil) != tt.ok {
			t.Errorf("ValidateMobile(%q) = %v", tt.in, err)
		}
	}
}

func TestValidatePhone(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"13800138000", true},
		{"0592-1234567", true},
		{"0592-12345678", true},
		{"010-12345678", true},
		{"010-12345678-123", true},
		{"0592-1234567-123456", true},
		{"400-123-4567", true},
		{"800-123-4567", true},
		{"4001234567", true},
		{"0592-1234567-1234567", false},
		{"1234567", false},
		{"12345678", false},
		{"05921234567", false},
		{"592-1234567", false},
		{"0592-123456", false},
		{"0592-0234567", false},
		{"12366", false},
		{"500-123-4567", false},
		{"", false},
	}
	for _, tt := range tests {
		err := ValidatePhone(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ValidatePhone(%q) = %v", tt.in, err)
		}
		if err != nil && !strings.Contains(err.Error(), "0592-1234567") {
			t.Errorf("unexpected message %q", err)
		}
	}
}

func TestValidateEmail(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"user@example.com", true},
		{"first.last+tag@mail.example.cn", true},
		{"user@localhost", false},
		{"Bob <bob@example.com>", false},
		{"<bob@example.com>", false},
		{"bob@example..com", false},
		{"bob@.example.com", false},
		{"bob@example.com.", false},
		{"bob example.com", false},
		{"@example.com", false},
		{"", false},
		{strings.Repeat("a", 250) + "@x.cn", false},
	}
	for _, tt := range tests {
		err := ValidateEmail(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateEmail(%q) = %v", tt.in, err)
		}
		if err != nil && err.Error() != "电子邮箱格式不正确" {
			t.Errorf("unexpected message %q", err)
		}
	}
}
