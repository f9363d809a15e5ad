"""The web pages of the rating year (server-rendered, Chinese), one module per entity. Thin:
parse → call a selector or a service → render. Scope and role are checked exactly as the
services and selectors do: a village outside the user's scope is a 404, a role that may not use
a page is a 403, and a refused write shows the service's own message with its status code
(400 / 403 / 409)."""
