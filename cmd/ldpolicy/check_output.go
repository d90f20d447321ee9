package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ldpolicy/ldpolicy/lint"
)

// writeCheckText writes the findings for people: one a line, with a caret
// under the byte at fault inside a specifier, and a summary line for each
// file without errors.
func writeCheckText(w io.Writer, results []checked) error {
	var b strings.Builder
	srcs := checkedSources(results)
	for _, r := range results {
		if r.err != nil {
			continue // reported on stderr
		}
		counts := r.counts
		for _, f := range r.findings {
			b.WriteString(r.line(f))
			b.WriteString("\n")
			b.WriteString(srcs.caret(f.Pos, f.Value, f.Offset))
		}
		if r.omitted > 0 {
			b.WriteString("... and ")
			b.WriteString(r.omittedLine())
			b.WriteString("\n")
		}
		if r.team != nil {
			n := len(r.team.Roles)
			fmt.Fprintf(&b, "%s: valid, team %s with %d custom role%s\n", r.file, r.team.Key, n, plural(n))
			continue
		}
		if counts[lint.Error] == 0 {
			fmt.Fprintf(&b, "%s: valid, %d statement%s", r.file, r.statements, plural(r.statements))
			if n := counts[lint.Warning]; n > 0 {
				fmt.Fprintf(&b, ", %d warning%s", n, plural(n))
			}
			if n := counts[lint.Info]; n > 0 {
				fmt.Fprintf(&b, ", %d info", n)
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// checkedSources returns the sources of the findings of results, with the
// content of each policy file checked, which may have been read from
// stdin.
func checkedSources(results []checked) sources {
	srcs := sources{}
	for _, r := range results {
		if r.data != nil && r.source == "" {
			srcs[r.file] = r.data
		}
	}
	return srcs
}

// line is a finding of r on one line (lint.Finding.String), with the
// address of the Terraform resource after its position:
// "main.tf:9:20: launchdarkly_webhook.prod: statements[0].resources[0]: ...".
func (r *checked) line(f lint.Finding) string {
	s, pos := f.String(), f.Pos.String()
	if r.address == "" || pos == "" || !strings.HasPrefix(s, pos+": ") {
		return s
	}
	return pos + ": " + r.address + ": " + s[len(pos)+2:]
}

// fileJSON is what check --format json writes for one file, or for one
// resource of a Terraform source.
type fileJSON struct {
	File       string        `json:"file"`
	Address    string        `json:"address,omitempty"` // of the Terraform resource
	Valid      bool          `json:"valid"`             // LaunchDarkly would take it: no LDP001 to LDP007
	Statements int           `json:"statements"`
	Findings   []findingJSON `json:"findings"`
	// Omitted counts the findings beyond --max-findings, not listed;
	// Counts then counts all of them by severity.
	Omitted int         `json:"omitted,omitempty"`
	Counts  *countsJSON `json:"counts,omitempty"`
	Error   string      `json:"error,omitempty"` // why the file could not be checked
}

type countsJSON struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

// findingJSON is one finding. Statement, index and offset are -1 when they
// do not apply.
type findingJSON struct {
	File      string        `json:"file,omitempty"` // of a finding in a Terraform source
	Code      string        `json:"code"`
	Severity  lint.Severity `json:"severity"`
	Line      int           `json:"line"`
	Column    int           `json:"column"`
	Path      string        `json:"path"` // "statements[N].field[I]"
	Statement int           `json:"statement"`
	Field     string        `json:"field"`
	Index     int           `json:"index"`
	Value     string        `json:"value,omitempty"` // the element at fault
	Offset    int           `json:"offset"`          // the byte offset in value
	Message   string        `json:"message"`
	Fix       string        `json:"fix,omitempty"` // value as it was probably meant
}

func writeCheckJSON(w io.Writer, results []checked) error {
	out := make([]fileJSON, 0, len(results))
	for _, r := range results {
		fj := fileJSON{File: r.file, Address: r.address, Valid: r.valid, Statements: r.statements, Findings: []findingJSON{}}
		if r.source != "" {
			fj.File = r.source
		}
		if r.err != nil {
			fj.Error = r.err.Error()
		}
		if r.omitted > 0 {
			fj.Omitted = r.omitted
			fj.Counts = &countsJSON{r.counts[lint.Error], r.counts[lint.Warning], r.counts[lint.Info]}
		}
		for _, f := range r.findings {
			var file string
			if r.source != "" {
				file = f.Pos.Filename
			}
			fj.Findings = append(fj.Findings, findingJSON{
				File: file, Code: f.Code, Severity: f.Severity, Line: f.Pos.Line, Column: f.Pos.Column,
				Path: f.Path(), Statement: f.Statement, Field: f.Field, Index: f.Index,
				Value: f.Value, Offset: f.Offset, Message: f.Message, Fix: f.Fix,
			})
		}
		out = append(out, fj)
	}
	return (&output{w: w}).writeJSON(out)
}

// writeGitHub writes the findings as GitHub Actions workflow commands,
// which annotate the lines of the files in a pull request:
//
//	::warning file=webhook.json,line=3,col=14,title=LDP102::unknown action ...
//
// Columns count characters, as GitHub counts them, not bytes.
func writeGitHub(w io.Writer, results []checked) error {
	var b strings.Builder
	srcs := checkedSources(results)
	for _, r := range results {
		for _, f := range r.findings {
			cmd := ghCommand(f.Severity)
			file := f.Pos.Filename
			if file == "" {
				file = r.annotate
			}
			fmt.Fprintf(&b, "::%s file=%s", cmd, ghProperty(filepath.ToSlash(file)))
			if f.Pos.IsValid() {
				col := runeColumn(srcs.get(file), f.Pos.Offset, f.Pos.Column)
				fmt.Fprintf(&b, ",line=%d,col=%d", f.Pos.Line, col)
			}
			msg := f.Message
			for _, part := range []string{f.Path(), r.address} {
				if part != "" {
					msg = part + ": " + msg
				}
			}
			fmt.Fprintf(&b, ",title=%s::%s\n", ghProperty(f.Code), ghData(msg))
		}
		if r.omitted > 0 {
			fmt.Fprintf(&b, "::%s file=%s,title=ldpolicy::%s\n", ghCommand(r.omittedLevel()), ghProperty(filepath.ToSlash(r.annotate)), ghData(r.omittedLine()))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ghCommand is the workflow command that annotates a finding of severity
// s.
func ghCommand(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "notice"
}

// omittedLevel is the severity of the worst finding of r not shown.
func (r *checked) omittedLevel() lint.Severity {
	c := r.omittedCounts()
	switch {
	case c[lint.Error] > 0:
		return lint.Error
	case c[lint.Warning] > 0:
		return lint.Warning
	}
	return lint.Info
}

// ghData escapes the message of a workflow command.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a property value of a workflow command.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// SARIF 2.1.0 (OASIS), the subset check writes.
type sarifLog struct {
	Version string     `json:"version"`
	Schema  string     `json:"$schema"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	ColumnKind  string            `json:"columnKind"`
	Properties  *sarifRunProps    `json:"properties,omitempty"`
}

// sarifRunProps is the property bag of a run whose results were cut at
// --max-findings for some file.
type sarifRunProps struct {
	OmittedFindings int `json:"omittedFindings"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string       `json:"id"`
	ShortDescription     sarifText    `json:"shortDescription"`
	FullDescription      sarifText    `json:"fullDescription"`
	Help                 sarifText    `json:"help"`
	DefaultConfiguration sarifConfig  `json:"defaultConfiguration"`
	Properties           sarifRuleTag `json:"properties"`
}

type sarifRuleTag struct {
	Tags      []string `json:"tags"`
	Precision string   `json:"precision"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID     string          `json:"ruleId"`
	RuleIndex  int             `json:"ruleIndex"`
	Level      string          `json:"level"`
	Message    sarifText       `json:"message"`
	Locations  []sarifLocation `json:"locations"`
	Fixes      []sarifFix      `json:"fixes,omitempty"`
	Properties *sarifFixBag    `json:"properties,omitempty"`
}

// sarifFixBag is the property bag of a result whose finding has a fix.
type sarifFixBag struct {
	Fix string `json:"fix"`
}

// sarifFix is a fix that check --fix applies: the element's JSON string
// replaced.
type sarifFix struct {
	Description     sarifText             `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifact      `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent sarifText   `json:"insertedContent"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"` // the column after the region
	ByteOffset  int `json:"byteOffset"`
	ByteLength  int `json:"byteLength,omitempty"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "note"
}

// writeSARIF writes the findings as a SARIF 2.1.0 log, for code-scanning
// tools: one run, every rule with its help, and a result per finding with
// its file, line and column. Columns are UTF-16 code units, as SARIF has
// them by default.
func writeSARIF(w io.Writer, results []checked) error {
	rules, index := sarifRules()
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "ldpolicy",
			Version:        version(),
			InformationURI: "https://github.com/ldpolicy/ldpolicy",
			Rules:          rules,
		}},
		Results:    []sarifResult{},
		ColumnKind: "utf16CodeUnits",
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	srcs := checkedSources(results)
	for _, r := range results {
		if r.err != nil {
			inv.ExecutionSuccessful = false
			inv.Notifications = append(inv.Notifications, sarifNotification{Level: "error", Message: sarifText{r.err.Error()}})
		}
		for _, f := range r.findings {
			run.Results = append(run.Results, sarifFinding(&r, f, index[f.Code], srcs))
		}
		if r.omitted > 0 {
			// Results left out: a notification where tools show how the
			// run went, and a count in the run's property bag.
			inv.Notifications = append(inv.Notifications, sarifNotification{
				Level: sarifLevel(r.omittedLevel()), Message: sarifText{r.omittedLine()},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(r.annotate)}}}},
			})
			if run.Properties == nil {
				run.Properties = &sarifRunProps{}
			}
			run.Properties.OmittedFindings += r.omitted
		}
	}
	run.Invocations = []sarifInvocation{inv}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Version: "2.1.0",
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Runs:    []sarifRun{run},
	})
}

// sarifRules returns the rules of the findings in SARIF, and the index of
// each by its code.
func sarifRules() ([]sarifRule, map[string]int) {
	var rules []sarifRule
	index := map[string]int{}
	for i, r := range lint.Rules() {
		index[r.Code] = i
		precision := "very-high"
		if r.Probed {
			precision = "high"
		}
		rules = append(rules, sarifRule{
			ID:                   r.Code,
			ShortDescription:     sarifText{r.Summary},
			FullDescription:      sarifText{r.Summary + ". Example: " + r.Example},
			Help:                 sarifText{r.Help},
			DefaultConfiguration: sarifConfig{sarifLevel(r.Severity)},
			Properties:           sarifRuleTag{Tags: []string{"launchdarkly", "policy"}, Precision: precision},
		})
	}
	return rules, index
}

// sarifFinding is a finding of the file r in SARIF, with the index of its
// rule.
func sarifFinding(r *checked, f lint.Finding, rule int, srcs sources) sarifResult {
	file := f.Pos.Filename
	if file == "" {
		file = r.annotate
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(file)}}}
	if f.Pos.IsValid() {
		col := utf16Column(srcs.get(file), f.Pos.Offset, f.Pos.Column)
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Pos.Line, StartColumn: col, ByteOffset: f.Pos.Offset}
	}
	if r.address != "" {
		// The resource, then the value inside its policy.
		loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: r.address, Kind: "resource"}}
	}
	if p := f.Path(); p != "" {
		loc.LogicalLocations = append(loc.LogicalLocations, sarifLogical{FullyQualifiedName: p, Kind: "member"})
	}
	res := sarifResult{
		RuleID: f.Code, RuleIndex: rule, Level: sarifLevel(f.Severity),
		Message: sarifText{f.Message}, Locations: []sarifLocation{loc},
	}
	if f.Fix != "" {
		res.Properties = &sarifFixBag{f.Fix}
	}
	if e, err := lint.FixEdit(r.policy, f); err == nil && file == r.file {
		res.Fixes = []sarifFix{{
			Description: sarifText{fmt.Sprintf("Replace %s with %s", r.data[e.Start:e.End], e.Text)},
			ArtifactChanges: []sarifArtifactChange{{
				ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(file)},
				Replacements:     []sarifReplacement{{DeletedRegion: sarifSpan(r.data, e.Start, e.End), InsertedContent: sarifText{e.Text}}},
			}},
		}}
	}
	return res
}

// sarifSpan is the region of data[start:end], which holds no line break,
// with UTF-16 columns.
func sarifSpan(data []byte, start, end int) sarifRegion {
	lineStart := bytes.LastIndexByte(data[:start], '\n') + 1
	line := bytes.Count(data[:lineStart], []byte("\n")) + 1
	col := utf16Column(data, start, start-lineStart+1)
	return sarifRegion{
		StartLine: line, StartColumn: col,
		EndLine: line, EndColumn: col + utf16Column(data, end, end-start+1) - 1,
		ByteOffset: start, ByteLength: end - start,
	}
}

// utf16Column converts the byte column col of the byte at offset off in
// data to a column counted in UTF-16 code units.
func utf16Column(data []byte, off, col int) int {
	return countColumn(data, off, col, func(r rune) int {
		if r == utf8.RuneError {
			return 1
		}
		return len(utf16.Encode([]rune{r}))
	})
}

// runeColumn converts the byte column col of the byte at offset off in
// data to a column counted in characters (an invalid byte is one).
func runeColumn(data []byte, off, col int) int {
	return countColumn(data, off, col, func(rune) int { return 1 })
}

// countColumn converts the byte column col of the byte at offset off in
// data to a column counted in the units of width: the width of each
// character before it on its line, plus one. It returns col when data
// does not hold the line.
func countColumn(data []byte, off, col int, width func(r rune) int) int {
	start := off - (col - 1)
	if start < 0 || off > len(data) {
		return col
	}
	n := 1
	for _, r := range string(data[start:off]) {
		n += width(r)
	}
	return n
}

// writeRules writes the codes of check --list.
func writeRules(w io.Writer, format string) error {
	rules := lint.Rules()
	if format == "json" {
		type ruleJSON struct {
			Code     string        `json:"code"`
			Severity lint.Severity `json:"severity"`
			Summary  string        `json:"summary"`
			Example  string        `json:"example"`
			Help     string        `json:"help"`
		}
		out := make([]ruleJSON, len(rules))
		for i, r := range rules {
			out[i] = ruleJSON{r.Code, r.Severity, r.Summary, r.Example, r.Help}
		}
		return (&output{w: w}).writeJSON(out)
	}
	var b strings.Builder
	for _, r := range rules {
		fmt.Fprintf(&b, "%s  %-7s  %s\n", r.Code, r.Severity, r.Summary)
		fmt.Fprintf(&b, "                 e.g. %s\n", r.Example)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
