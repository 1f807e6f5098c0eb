// Package payment pays tax through the tax–treasury–bank link.
package payment
