package transforms

import "github.com/flosch/pongo2/v6"

// setNode is the set tag of the sandbox: pongo2's {% set name = expr %},
// refusing a value larger than the output budget of the render, so that a
// loop doubling a text with set stops there.
type setNode struct {
	name string
	expr pongo2.IEvaluator
}

func (n *setNode) Execute(ctx *pongo2.ExecutionContext, _ pongo2.TemplateWriter) *pongo2.Error {
	v, err := n.expr.Evaluate(ctx)
	if err != nil {
		return err
	}
	if b := budgetOf(ctx); b != nil && tooLarge(v, b.limits.Output) {
		return ctx.OrigError(b.fail(outputLimit(b.limits)), nil)
	}
	ctx.Private[n.name] = v
	return nil
}

// tooLarge reports whether v is a text longer than limit bytes or a list
// of more than limit items.
func tooLarge(v *pongo2.Value, limit int) bool {
	if s, ok := v.Interface().(string); ok {
		return len(s) > limit
	}
	return v.CanSlice() && v.Len() > limit
}

func parseSet(_ *pongo2.Parser, _ *pongo2.Token, args *pongo2.Parser) (pongo2.INodeTag, *pongo2.Error) {
	name := args.MatchType(pongo2.TokenIdentifier)
	if name == nil {
		return nil, args.Error("a variable name is expected after 'set'", nil)
	}
	if args.Match(pongo2.TokenSymbol, "=") == nil {
		return nil, args.Error("'=' is expected after the variable name", nil)
	}
	expr, err := args.ParseExpression()
	if err != nil {
		return nil, err
	}
	if args.Remaining() > 0 {
		return nil, args.Error("set takes one name and one expression", nil)
	}
	return &setNode{name: name.Val, expr: expr}, nil
}
