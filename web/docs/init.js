// Renders authd's OpenAPI document. A file rather than an inline script, so the page's
// Content-Security-Policy can forbid inline scripts. The path is relative, so the page works
// behind a proxy that mounts authd under a prefix.
window.ui = SwaggerUIBundle({
  url: new URL("../schema/", window.location.href).href,
  dom_id: "#swagger-ui",
  deepLinking: true,
});
