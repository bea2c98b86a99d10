// Manage LogScale (formerly Humio) organization, view and system permission tokens.
package logscale
