project = "Markup"
extensions = ["sphinxcontrib.confluencebuilder"]
root_doc = "index"
exclude_patterns = ["_build"]
confluence_latex_macro = {"block-macro": "mathblock", "inline-macro": "mathinline",
                          "inline-macro-param": "body"}
confluence_jira_servers = {
    "main": {"id": "d005bcc2-ca4e-4065-8ce8-49ff5ac5857d", "name": "Main Jira"},
}
confluence_mentions = {"alice": "5b10ac8d82e05b22cc7d4ef5:0c1f2a8e-8c6b-4c1a-9d1f-1e2b3c4d5e6f"}
# no network in tests: the links of the examples are not checked
linkcheck_ignore = [r"https://example\.com.*"]
