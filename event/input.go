package event

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ldpolicy/ldpolicy/internal/editdist"
)

// Input is one place that holds captured events: a file, or standard
// input.
type Input struct {
	Name string // how its records are named: the path, or "<stdin>"
	Path string // "-" for standard input
}

// eventExts are the file extensions read in directories, in any case, with
// or without ".gz" after them.
var eventExts = map[string]bool{".json": true, ".ndjson": true, ".jsonl": true}

// isEventFile reports whether a file found in a directory is read for
// events, by its name: x.json, x.NDJSON, x.jsonl.gz, x.Json.GZ.
func isEventFile(name string) bool {
	name = strings.ToLower(name)
	return eventExts[filepath.Ext(strings.TrimSuffix(name, ".gz"))]
}

// Inputs is what a list of paths names: the inputs to read, the paths
// that cannot be read (a command should not start reading any), and what
// was left out of a directory for a reason other than its name.
type Inputs struct {
	Inputs   []Input
	Problems []error
	Warnings []string
}

// FindInputs lists the inputs that paths name: files, directories and "-"
// for standard input; no path means standard input. A directory is read
// recursively, in the order of names, for the files that isEventFile
// accepts. Symbolic links are followed, to files and to directories; links
// to directories are read after the rest of the argument, and a directory
// reached a second time (through a link to one of its parents, or a second
// link to it) is not read again, which also ends any loop. Every file is
// opened, and a gzip file's header read, so that what cannot be read is
// known before any event is.
//
// Problems are: a path that does not exist or cannot be read; a directory
// given as an argument that holds no event file; in a directory, an event
// file that cannot be read (a broken link, no permission, not a regular
// file). Warnings are the other things a directory holds that are not
// read: a broken link whose name is not an event file's, a directory
// read already.
func FindInputs(paths []string) Inputs {
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	var l Inputs
	for _, arg := range paths {
		if arg == "-" {
			l.Inputs = append(l.Inputs, Input{Name: "<stdin>", Path: "-"})
			continue
		}
		info, err := os.Stat(arg)
		switch {
		case err != nil:
			l.problem(arg, err)
		case !info.IsDir():
			l.file(arg, info)
		default:
			inputs, problems := len(l.Inputs), len(l.Problems)
			w := walker{l: &l, visited: map[string]string{}}
			w.dir(arg)
			for len(w.links) > 0 {
				link := w.links[0]
				w.links = w.links[1:]
				w.dir(link)
			}
			if len(l.Inputs) == inputs && len(l.Problems) == problems {
				found := "nothing"
				switch {
				case w.others == 1:
					found = "1 file with another name"
				case w.others > 1:
					found = fmt.Sprintf("%d files with other names", w.others)
				}
				l.Problems = append(l.Problems, fmt.Errorf("%s: a directory with no event file in it: expected files named *.json, *.ndjson or *.jsonl, gzipped or not (*.json.gz), found %s", arg, found))
			}
		}
	}
	return l
}

// walker reads a directory given as an argument.
type walker struct {
	l *Inputs
	// visited maps the directories read, by their absolute paths without
	// links, to the paths they were read as.
	visited map[string]string
	links   []string // links to directories, to read after the rest
	others  int      // files left out for their names
}

// dir adds the event files of the directory at path, and of its
// subdirectories, unless it has been read already.
func (w *walker) dir(path string) {
	real, err := filepath.EvalSymlinks(path)
	if err == nil {
		real, err = filepath.Abs(real)
	}
	if err != nil {
		w.l.problem(path, err)
		return
	}
	if first, ok := w.visited[real]; ok {
		w.l.Warnings = append(w.l.Warnings, fmt.Sprintf("not read again: %s: a link to the directory %s, read already", path, first))
		return
	}
	w.visited[real] = path
	entries, err := os.ReadDir(path)
	if err != nil {
		w.l.problem(path, err)
		return
	}
	for _, e := range entries {
		name := filepath.Join(path, e.Name())
		switch {
		case e.IsDir():
			w.dir(name)
		case e.Type()&fs.ModeSymlink != 0:
			w.link(name, e.Name())
		case !isEventFile(e.Name()):
			w.others++
		case e.Type().IsRegular():
			w.l.file(name, nil)
		default:
			w.l.Problems = append(w.l.Problems, fmt.Errorf("%s: %s, not a regular file: a directory's files are read only when regular (give it as an argument to read it)", name, describeType(e.Type())))
		}
	}
}

// link adds what the symbolic link at path, called name, leads to.
func (w *walker) link(path, name string) {
	info, err := os.Stat(path)
	switch {
	case err != nil:
		// A broken link, or a loop of links. One with an event file's
		// name was meant to be read; any other might have led to a
		// directory of them.
		target, _ := os.Readlink(path)
		err = fmt.Errorf("%s: a symbolic link to %q, which cannot be followed: %v", path, target, underlying(err))
		if isEventFile(name) {
			w.l.Problems = append(w.l.Problems, err)
		} else {
			w.l.Warnings = append(w.l.Warnings, "not read: "+err.Error())
		}
	case info.IsDir():
		w.links = append(w.links, path)
	case !isEventFile(name):
		w.others++
	case info.Mode().IsRegular():
		w.l.file(path, info)
	default:
		w.l.Problems = append(w.l.Problems, fmt.Errorf("%s: a symbolic link to %s, not to a regular file: a directory's files are read only when regular (give it as an argument to read it)", path, describeType(info.Mode().Type())))
	}
}

// file adds the file at path, checking that it can be read when it is a
// regular file (info nil) or info says so. A named pipe or a device given
// as an argument is read as it is, without trying it first: a pipe's data
// can be read once only.
func (l *Inputs) file(path string, info fs.FileInfo) {
	in := Input{Name: path, Path: path}
	if info == nil || info.Mode().IsRegular() {
		rc, err := in.Open(nil)
		if err != nil {
			l.problem(path, err)
			return
		}
		rc.Close()
	}
	l.Inputs = append(l.Inputs, in)
}

// problem records a path that cannot be read.
func (l *Inputs) problem(path string, err error) {
	msg := underlying(err).Error()
	if errors.Is(err, fs.ErrNotExist) {
		if alt := nearName(path); alt != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", alt)
		}
	}
	l.Problems = append(l.Problems, fmt.Errorf("%s: %s", path, msg))
}

// underlying strips the operation and path from an *fs.PathError, which
// messages give themselves: "no such file or directory" rather than
// "stat x.json: no such file or directory".
func underlying(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// nearName returns the name in the directory of path that is nearest to
// path's own (at most two edits away, fewer for short names), or "".
func nearName(path string) string {
	dir, base := filepath.Split(path)
	entries, err := os.ReadDir(filepath.Clean(dir + "."))
	if err != nil || base == "" {
		return ""
	}
	best, bestD := "", min(2, len(base)/3)+1
	for _, e := range entries {
		if d := editdist.Distance(strings.ToLower(base), strings.ToLower(e.Name())); d < bestD {
			best, bestD = e.Name(), d
		}
	}
	if best == "" {
		return ""
	}
	return dir + best
}

// describeType names the type of a file that is neither regular nor a
// directory.
func describeType(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// Open opens an input for reading, decompressing gzip data (recognised
// by its first bytes, whatever the name). A read error of corrupt or
// truncated gzip data says so. stdin is read for the Path "-". An error
// does not repeat the path: it is "no such file or directory", not "open
// x.json: no such file or directory".
func (in Input) Open(stdin io.Reader) (io.ReadCloser, error) {
	var r io.Reader = stdin
	closeFn := func() error { return nil }
	if in.Path != "-" {
		f, err := os.Open(in.Path)
		if err != nil {
			return nil, underlying(err)
		}
		r, closeFn = f, f.Close
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			closeFn()
			return nil, fmt.Errorf("gzip data that cannot be decompressed: %v", describeReadError(err))
		}
		return readCloser{gzipErrors{zr}, closeFn}, nil
	}
	return readCloser{br, closeFn}, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

// gzipErrors describes the read errors of gzip data.
type gzipErrors struct{ r io.Reader }

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		err = errors.New(describeReadError(err))
	}
	return n, err
}

// describeReadError says what a read error means, when it is the gzip
// data's fault.
func describeReadError(err error) string {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return err.Error() + ": the data is cut short (a partial download or copy?)"
	case errors.Is(err, gzip.ErrChecksum), errors.As(err, &corrupt):
		return err.Error() + ": the gzip data is corrupt"
	}
	return err.Error()
}
