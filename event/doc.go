// Package event reads LaunchDarkly audit-log entries, the events that
// webhooks deliver, and the inputs that hold them.
//
// # Entries
//
// [Decode] reads a whole [Event], keeping its raw bytes and every field, the
// ones outside the schema included. [ReadHead] reads only what deciding the
// event needs, much faster, into a reusable [Head] whose memory it reuses:
// it allocates only the strings it keeps. A Head is also a resource.Resolver of the
// metadata that the event's own body gives, such as the tags of a changed
// flag, so deciding an event is:
//
//	var head event.Head
//	var ev policy.Event
//	resolver := resource.Chain{&head, metadata} // metadata may be nil
//	...
//	if err := event.ReadHead(data, &head); err != nil { ... }
//	if err := ev.Parse(head.Accesses, resolver); err != nil { ... }
//	decisions, delivery = set.DecideEvent(decisions[:0], &ev, policy.AnyAccess)
//
// # Inputs
//
// A [Source] yields records, each an event or a part of the input that is
// not one, with its place. A [Stream] is the Source of one reader: it splits
// a captured file (one event, a JSON array, NDJSON or an audit-log list
// response) into events, one at a time, however large the file.
// [FindInputs] lists the files that paths name (directories are read
// recursively for *.json, *.ndjson and *.jsonl files, gzipped or not), and
// [Input.Open] opens one, decompressing gzip.
//
// Problems are located by line and column, as compilers locate them:
// [Record.Position] in a stream's input, for a record's data or where a
// record that is not an event goes wrong; [Position] in a whole file. The
// offsets are [DecodeError.Offset] for what ReadHead rejects and, for a
// malformed resource that policy.Event.Parse rejects after it,
// [Head.ResourceErrorOffset] ([AccessOffset] for any string of an access).
// They read the event again, for errors only: deciding does not pay for
// them.
package event

// A Source yields records of captured events, one at a time, each with its
// place:
//
//	for src.Next() {
//		r := src.Record()
//		...
//	}
//	if err := src.Err(); err != nil { ... } // the input was not read to its end
type Source interface {
	// Next advances to the next record, and reports whether there is one.
	Next() bool
	// Record returns the current record. Its Data is valid until the next
	// call to Next.
	Record() Record
	// Err returns the error that stopped the source before the end of its
	// input, or nil.
	Err() error
}

var _ Source = (*Stream)(nil)
