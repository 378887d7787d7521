package specs

import (
	"errors"

	"github.com/getkin/kin-openapi/openapi3"
)

// Spec is a loaded connector spec: the OpenAPI document (converted to
// OpenAPI 3 when it was Swagger 2.0) and its decoded `x-sync` extension.
//
// A Spec is immutable after Load and safe for concurrent use.
type Spec struct {
	// Path is the file the spec was loaded from.
	Path string
	// Extends is the vendor's document when Path is an overlay (as
	// findings name it: relative like Path, or a URL); empty otherwise.
	Extends string
	// Doc is the OpenAPI 3 document, with external references resolved.
	Doc *openapi3.T
	// Sync is the decoded `x-sync` extension; never nil after a Load that
	// returned no error (it may be empty when findings report it missing).
	Sync *Sync
	// Source locates JSON pointers in the file for findings; for an
	// overlay, in the overlay or the vendor's document (SourceMap.Place).
	Source *SourceMap

	// operations indexes Doc's operations by operationId; built by Load.
	// Nil for a Spec built by hand: Operation then searches Doc.
	operations map[string]*OperationRef
}

// OperationRef is an operation of the document found by its operationId.
type OperationRef struct {
	ID        string
	Method    string // upper case: GET, POST, ...
	Path      string // the path template: /tenants/{id}
	Operation *openapi3.Operation
	PathItem  *openapi3.PathItem
}

// LoadOptions tune Load and LoadModel. The zero value is the safe default.
type LoadOptions struct {
	// AllowExternalFiles permits `$ref`s to files outside the spec's folder.
	// Zero refuses them.
	AllowExternalFiles bool
	// AllowRemoteRefs permits `$ref`s to http(s) URLs. Zero refuses them.
	AllowRemoteRefs bool
	// Plugins describes the auth methods and paging styles (see
	// connectors.DefaultPlugins). With it, Load checks the config of a
	// spec's auth and pagination against the chosen plug-in and reports an
	// unknown type; nil leaves those configs unchecked until a client is
	// built from the spec.
	Plugins *Plugins
	// Files reads the document and the files and URLs its $refs name (the
	// policy above still decides which may be read). A FileSet loads
	// exactly the files an instance was applied with; a FileRecorder keeps
	// what a load read. Nil means DiskFiles: the disk, and HTTP for remote
	// references.
	Files Files
}

// files returns the reader of the options, DiskFiles when none is set.
func (o LoadOptions) files() Files {
	if o.Files == nil {
		return DiskFiles{}
	}
	return o.Files
}

// ErrUnreadable wraps errors of files that cannot be read or parsed at all
// (as opposed to findings in a readable document).
var ErrUnreadable = errors.New("unreadable")
