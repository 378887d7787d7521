package transforms

import "github.com/flosch/pongo2/v6"

// forNode is the for tag of the sandbox: pongo2's syntax and loop
// variables ({% for k, v in obj reversed sorted %}...{% empty %}...
// {% endfor %}, forloop.Counter and the rest), with every iteration
// counted against the budget of the render, which stops the loop as soon
// as a limit is exceeded.
type forNode struct {
	key, value string
	obj        pongo2.IEvaluator
	reversed   bool
	sorted     bool
	body       *pongo2.NodeWrapper
	empty      *pongo2.NodeWrapper
}

// forLoop is what a loop body sees as forloop.
type forLoop struct {
	Counter, Counter0       int
	Revcounter, Revcounter0 int
	First, Last             bool
	Parentloop              *forLoop
}

func (n *forNode) Execute(ctx *pongo2.ExecutionContext, writer pongo2.TemplateWriter) *pongo2.Error {
	loopCtx := pongo2.NewChildExecutionContext(ctx)
	info := &forLoop{First: true}
	info.Parentloop, _ = loopCtx.Private["forloop"].(*forLoop)
	loopCtx.Private["forloop"] = info
	obj, perr := n.obj.Evaluate(loopCtx)
	if perr != nil {
		return perr
	}
	b := budgetOf(ctx)
	if b != nil {
		writer = boundWriter(b, writer)
	}
	var loopErr *pongo2.Error
	obj.IterateOrder(func(idx, count int, key, value *pongo2.Value) bool {
		if b != nil {
			if err := b.iterate(); err != nil {
				loopErr = ctx.OrigError(err, nil)
				return false
			}
		}
		loopCtx.Private[n.key] = key
		if value != nil {
			loopCtx.Private[n.value] = value
		}
		info.Counter, info.Counter0 = idx+1, idx
		info.Revcounter, info.Revcounter0 = count-idx, count-idx-1
		info.First, info.Last = idx == 0, idx+1 == count
		loopErr = n.body.Execute(loopCtx, writer)
		return loopErr == nil
	}, func() {
		if n.empty != nil {
			loopErr = n.empty.Execute(loopCtx, writer)
		}
	}, n.reversed, n.sorted)
	return loopErr
}

// boundWriter returns a writer that counts what a loop writes against b,
// unless w counts already. Tags such as filter and spaceless give their
// body a buffer of their own, which this keeps within the budget too.
func boundWriter(b *budget, w pongo2.TemplateWriter) pongo2.TemplateWriter {
	if _, ok := w.(*boundedWriter); ok {
		return w
	}
	return &boundedWriter{b: b, next: w}
}

func parseFor(doc *pongo2.Parser, _ *pongo2.Token, args *pongo2.Parser) (pongo2.INodeTag, *pongo2.Error) {
	n := &forNode{}
	key := args.MatchType(pongo2.TokenIdentifier)
	if key == nil {
		return nil, args.Error("a loop variable is expected after 'for'", nil)
	}
	n.key = key.Val
	if args.Match(pongo2.TokenSymbol, ",") != nil {
		value := args.MatchType(pongo2.TokenIdentifier)
		if value == nil {
			return nil, args.Error("a second loop variable is expected after ','", nil)
		}
		n.value = value.Val
	}
	if args.Match(pongo2.TokenKeyword, "in") == nil {
		return nil, args.Error("'in' is expected after the loop variables", nil)
	}
	obj, err := args.ParseExpression()
	if err != nil {
		return nil, err
	}
	n.obj = obj
	n.reversed = args.MatchOne(pongo2.TokenIdentifier, "reversed") != nil
	n.sorted = args.MatchOne(pongo2.TokenIdentifier, "sorted") != nil
	if args.Remaining() > 0 {
		return nil, args.Error("only 'reversed' and 'sorted' may follow the loop's list", nil)
	}
	return n, n.parseBody(doc)
}

// parseBody reads the loop's body and its empty part.
func (n *forNode) parseBody(doc *pongo2.Parser) *pongo2.Error {
	body, end, err := doc.WrapUntilTag("empty", "endfor")
	if err != nil {
		return err
	}
	if end.Count() > 0 {
		return end.Error("arguments are not allowed here", nil)
	}
	n.body = body
	if body.Endtag != "empty" {
		return nil
	}
	if n.empty, end, err = doc.WrapUntilTag("endfor"); err != nil {
		return err
	}
	if end.Count() > 0 {
		return end.Error("arguments are not allowed here", nil)
	}
	return nil
}
