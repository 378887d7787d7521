// Package instance owns instances: one configured integration each, with
// its systems, model, permissions, schedule and options.
//
// Instances are decoded strictly from JSON or YAML (DecodeInstance,
// ReadInstance; typed values such as the sides of SourceOfTruth are
// refused at decoding when unknown), validated (ValidateInstance;
// LoadInstance also loads the specs and the model with package specs and
// checks the instance against them) and stored in an InstanceStore with
// the content of every file its documents were loaded from (Capture, a
// specs.FileRecorder; Files gives it back to runs, which never read the
// disk), whose version counter tells a scheduler that something changed; a stored
// instance is marked with its format version, and one of another format
// is refused (package internal/stored). Permissions
// say which actions an instance may take per direction and entity.
//
// The package imports only specs and internal packages; engine/store
// takes its vocabulary (Direction, Action) from here.
package instance
