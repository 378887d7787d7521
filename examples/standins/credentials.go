package standins

// DemoCredentials returns the environment variables the example's
// instance files refer to, with the fake values the stand-ins accept.
// They are made up for the demo and open nothing else.
func DemoCredentials() map[string]string {
	return map[string]string{
		"ERP_API_KEY":            "demo-erp-key",
		"EVERREAL_CLIENT_ID":     "demo-client",
		"EVERREAL_CLIENT_SECRET": "demo-client-secret",
		"EVERREAL_USERNAME":      "integration@demo.example",
		"EVERREAL_PASSWORD":      "demo-password",
		"CASAVI_API_KEY":         "demo-casavi-key",
		"CASAVI_API_SECRET":      "demo-casavi-secret",
	}
}
