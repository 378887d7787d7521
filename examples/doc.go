// Package examples holds the real-estate example and a corpus of broken
// specs; it has no code of its own.
//
// realestate/ is a complete installation: the canonical model
// (model.json), the ERP home system (erp.json) and two partners, EverReal
// (everreal.json, GraphQL) and casavi (casavi.json, REST), with sample
// records under realestate/records/. invalid/ holds small specs and models
// that each make one mistake (and one that makes many), with the findings
// that specsync validate must report for them in NAME.golden. The tests of
// this package keep both honest: the example must validate without a single
// finding, and every broken file must give exactly its golden findings.
package examples
