package connectors

import (
	"fmt"

	"github.com/specsync/specsync/specs"
)

func offsetMethod() PaginatorMethod {
	return paginatorMethod("offset", "Skips the records already read with an offset parameter and takes a page size (GraphQL paging{skip,take} through variable paths).", newOffset)
}

// OffsetPaging configures the offset style.
type OffsetPaging struct {
	Param      string `json:"param" doc:"Parameter taking the offset." example:"input.paging.skip"`
	LimitParam string `json:"limitParam,omitempty" doc:"Parameter taking the page size." example:"input.paging.take"`
	Size       int    `json:"size,omitempty" default:"100" doc:"Page size."`
}

var (
	_ specs.PluginChecker = (*OffsetPaging)(nil)
	_ specs.Summarizer    = (*OffsetPaging)(nil)
	_ PagingServer        = (*OffsetPaging)(nil)
)

// Check checks the parameters against the list operation.
func (o *OffsetPaging) Check(k *specs.PluginCheck) {
	k.ListParam("param", o.Param)
	k.ListParam("limitParam", o.LimitParam)
}

// Summary describes the style for explain.
func (o *OffsetPaging) Summary() string { return "offset " + o.Param }

// Served says how a server reads offsets.
func (o *OffsetPaging) Served() ServedPaging {
	return ServedPaging{Position: PositionOffset, Param: o.Param, SizeParam: o.LimitParam, Size: o.Size}
}

// offset advances by the records actually received, so a server that caps
// the page size below the one asked for loses no records. It has no end
// of its own: the stop rules end it.
type offset struct {
	cfg  OffsetPaging
	size int
	next int
}

var _ Paginator = (*offset)(nil)

func newOffset(p *OffsetPaging) (Paginator, error) {
	if p.Param == "" {
		return nil, fmt.Errorf("offset.param is empty; name the offset (skip) parameter")
	}
	return &offset{cfg: *p, size: sizeOr(p.Size)}, nil
}

func (o *offset) Size() int { return o.size }

func (o *offset) First(req PageRequest) error {
	o.next = 0
	if err := req.Set(o.cfg.Param, 0); err != nil {
		return err
	}
	return setSize(req, o.cfg.LimitParam, o.size)
}

func (o *offset) Next(resp *PageResponse, req PageRequest) (bool, error) {
	o.next += resp.Records
	return true, req.Set(o.cfg.Param, o.next)
}
