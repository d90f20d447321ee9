// Package terraform reads the policies of LaunchDarkly's Terraform provider
// resources from Terraform sources, with the place of every value, so that
// package policy and package lint locate their problems in the .tf file.
package terraform
