package mock

// ReadSpecForExample loads a spec for the package example.
var ReadSpecForExample = readSpec
