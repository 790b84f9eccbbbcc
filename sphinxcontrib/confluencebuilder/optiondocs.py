"""What each option of the option table (``config.OPTIONS``) does, with an example.

The option reference in ``doc/configuration.rst`` is generated from ``config.OPTIONS``
(name, type, default, allowed values, environment variable) and these texts; a test
checks that every option has an entry here, so the reference never drifts from the
code. Keep one short paragraph a option; ``example`` is a ``conf.py`` value.
"""

from __future__ import annotations

from collections.abc import Mapping

#: option name -> (what it does, example value as written in conf.py)
OPTION_DOCS: Mapping[str, tuple[str, str]] = {
    # -- connection and authentication
    "confluence_publish": ("Publish the built pages at the end of the build; without it "
                           "only the files are written.", "True"),
    "confluence_server_url": ("Address of the Confluence site (Cloud: "
                              "https://<site>.atlassian.net/wiki/). A trailing REST path "
                              "is removed with a warning.",
                              "'https://example.atlassian.net/wiki/'"),
    "confluence_space_key": ("Key (not name) of the space to publish to; case-sensitive.",
                             "'DOCS'"),
    "confluence_server_user": ("User name (Data Center) or e-mail (Cloud) for Basic "
                               "authentication.", "'me@example.com'"),
    "confluence_api_token": ("Cloud API token, sent as the Basic-auth password. Secret: "
                             "never logged.", "os.environ['CONFLUENCE_API_TOKEN']"),
    "confluence_api_token_scoped": ("The API token is a scoped token: requests go through "
                                    "the api.atlassian.com gateway with the v2 API.", "True"),
    "confluence_publish_token": ("Data Center personal access token, sent as a Bearer "
                                 "token. Secret.", "os.environ['CONFLUENCE_PUBLISH_TOKEN']"),
    "confluence_server_pass": ("Password for Basic authentication (legacy). Secret.",
                               "os.environ['CONFLUENCE_SERVER_PASS']"),
    "confluence_cloud": ("Treat the server as Confluence Cloud (for Cloud behind a custom "
                         "domain); detected from the host name when unset.", "True"),
    # -- transport
    "confluence_api_mode": ("REST API generation: v2 on Cloud, v1 on Data Center by "
                            "default.", "'v1'"),
    "confluence_publish_override_api_prefix": ("Non-standard mount points of the REST APIs "
                                               "(behind a rewriting proxy).",
                                               "{'v1': 'rest/api/', 'v2': 'api/v2/'}"),
    "confluence_ask_user": ("Ask for the user name on the terminal before publishing.",
                            "True"),
    "confluence_ask_password": ("Ask for the password or token on the terminal (not "
                                "echoed) before publishing.", "True"),
    "confluence_server_auth": ("A requests.auth.AuthBase instance used instead of Basic "
                               "authentication (Kerberos, OAuth 1, a custom signer).",
                               "HTTPKerberosAuth()"),
    "confluence_server_cookies": ("Cookies sent with every request (an SSO session), or "
                                  "the path of a cookies.txt file. Secret.",
                                  "{'SESSION': os.environ['SSO_COOKIE']}"),
    "confluence_publish_headers": ("Extra HTTP headers on every request (gateway keys). "
                                   "Secret: never logged.", "{'X-Gateway-Key': key}"),
    "confluence_request_session_override": ("Called with the prepared requests.Session "
                                            "before the first request.",
                                            "lambda session: setattr(session, 'trust_env', "
                                            "False)"),
    "confluence_ca_cert": ("CA bundle file or directory that signs the server's "
                           "certificate; relative to conf.py.", "'corp-ca.pem'"),
    "confluence_client_cert": ("Client certificate for mutual TLS: a file, or a (certificate, "
                               "key) pair.", "('client.pem', 'client.key')"),
    "confluence_client_cert_pass": ("Passphrase of the client key. Secret.",
                                    "os.environ['CLIENT_KEY_PASS']"),
    "confluence_disable_ssl_validation": ("Do not check the server certificate (warns; prefer "
                                          "confluence_ca_cert).", "True"),
    "confluence_proxy": ("Proxy for all requests (else the HTTP(S)_PROXY variables).",
                         "'http://proxy.example:3128'"),
    "confluence_timeout": ("Seconds to wait for the server between two reads of an "
                           "answer.", "60"),
    "confluence_request_deadline": ("Total seconds one request may take, answer body "
                                    "included (a server that trickles its answer is cut "
                                    "off).", "600"),
    "confluence_response_size_limit": ("Largest answer in bytes the client reads, after "
                                       "decompression.",
                                       "64 * 1024 * 1024"),
    "confluence_publish_delay": ("Seconds to wait before every request (self-throttling).",
                                 "0.5"),
    "confluence_publish_retry_attempts": ("Retries of a request that failed with a server "
                                          "error or a dropped connection.", "4"),
    "confluence_publish_retry_duration": ("Base wait in seconds between those retries.",
                                          "2"),
    "confluence_publish_debug": ("Log requests: headers (redacted), headers-and-data, "
                                 "urllib3, deprecated (server deprecation notices), all.",
                                 "'headers'"),
    "confluence_page_search_mode": ("How the v1 API looks pages up by title: 'content' "
                                    "(content listing, then search; 'default' is the same) "
                                    "or 'search' (CQL search only, for Data Center sites "
                                    "where the listing is slow).", "'search'"),
    "confluence_publish_credential_provider": ("A function returning a token (or a dict "
                                               "with user/token), or a command printing "
                                               "one; asked once per run.",
                                               "'vault read -field=token secret/confluence'"),
    "confluence_oauth2_token_url": ("OAuth 2.0 token endpoint for the client-credentials "
                                    "grant; https (plain http only on loopback). See the "
                                    "OAuth 2.0 section of the SSO guide.",
                                    "'https://auth.atlassian.com/oauth/token'"),
    "confluence_oauth2_client_id": ("Client id of the service account or app registration.",
                                    "'my-service-account-id'"),
    "confluence_oauth2_client_secret": ("Client secret for the token endpoint. Secret: "
                                        "never logged, never written.",
                                        "os.environ['CONFLUENCE_OAUTH2_CLIENT_SECRET']"),
    "confluence_oauth2_scopes": ("Scopes the access token is asked for (a list, or one "
                                 "space-separated string).",
                                 "['read:page:confluence', 'write:page:confluence']"),
    "confluence_oauth2_audience": ("Audience (resource) of the access token, where the "
                                   "identity provider needs one.", "'api.atlassian.com'"),
    "confluence_oauth2_client_auth": ("How the client authenticates at the token endpoint: "
                                      "'client_secret_basic' or 'client_secret_post'.",
                                      "'client_secret_post'"),
    "confluence_oauth2_header": ("Header carrying the access token: Authorization (Bearer) "
                                 "by default, or the header a front end reads (bare token) "
                                 "when Confluence wants a personal access token too.",
                                 "'X-Forwarded-Access-Token'"),
    "confluence_oauth2_refresh_margin": ("Renew the access token this many seconds before "
                                         "it expires (at most half its lifetime).", "120"),
    # -- hierarchy, placement and titles
    "confluence_parent_page": ("Title or id of the existing page the root document is "
                               "published under.", "'Documentation'"),
    "confluence_publish_root": ("Id of an existing page whose content the root document "
                                "replaces; the other pages go below it.", "123456"),
    "confluence_page_hierarchy": ("Nest pages as the toctree nests documents; False puts "
                                  "every page directly under the root.", "False"),
    "confluence_root_homepage": ("After publishing, make the root page the homepage of the "
                                 "space.", "True"),
    "confluence_publish_orphan": ("Publish documents no toctree lists.", "False"),
    "confluence_publish_orphan_container": ("Page id under which orphan documents go; 0 for "
                                            "the space root.", "123456"),
    "confluence_parent_override_transform": ("Function (docname, parent page id) -> page id "
                                             "choosing another parent for a document.",
                                             "lambda doc, parent: '42' if doc == 'x' "
                                             "else parent"),
    "confluence_title_overrides": ("Page titles by docname.", "{'index': 'Handbook'}"),
    "confluence_publish_prefix": ("Text in front of every page title.", "'HB: '"),
    "confluence_publish_postfix": ("Text after every page title; {hash} is a short hash of "
                                   "the document name.", "' ({hash:.5})'"),
    "confluence_publish_postfix_hash_modifier": ("Salt of {hash}, so titles survive a "
                                                 "project rename.", "'handbook'"),
    "confluence_ignore_titlefix_on_index": ("No prefix/postfix on the root page's title.",
                                            "True"),
    "confluence_disable_autogen_title": ("Documents without a heading get no page "
                                         "(instead of 'autogen-<docname>').", "True"),
    "confluence_remove_title": ("Drop the first heading from the body (Confluence shows "
                                "the title).", "False"),
    "confluence_add_secnumbers": ("Section numbers of :numbered: toctrees in titles and "
                                  "headings.", "False"),
    "confluence_secnumber_suffix": ("Text after a section number.", "' - '"),
    # -- publishing behaviour
    "confluence_publish_dryrun": ("Plan only: log and write the plan, change nothing.",
                                  "True"),
    "confluence_publish_force": ("Write every page and attachment even when unchanged.",
                                 "True"),
    "confluence_publish_onlynew": ("Create missing pages; leave existing ones alone.",
                                   "True"),
    "confluence_publish_trample": ("Take over a same-titled page outside this "
                                   "documentation instead of stopping.", "True"),
    "confluence_publish_allowlist": ("Publish only these documents (a list, or a file "
                                     "with one docname a line); disables cleanup.",
                                     "['index', 'guide/install']"),
    "confluence_publish_denylist": ("Never publish these documents; disables cleanup.",
                                    "['drafts/notes']"),
    "confluence_publish_skip_commented_pages": ("Do not update pages that carry inline "
                                                "comments; 'ignored-resolved' only when an "
                                                "open one is left (warning "
                                                "confluence.inline-comment).",
                                                "'ignored-resolved'"),
    "confluence_cleanup_purge": ("Delete pages of this project whose document is gone.",
                                 "True"),
    "confluence_cleanup_archive": ("Archive them instead (Cloud).", "True"),
    "confluence_cleanup_from_root": ("Look for stale pages below the root page only.",
                                     "True"),
    "confluence_cleanup_search_mode": ("Where cleanup looks: the '-aggressive' modes also "
                                       "below pages this project did not publish; 'direct' "
                                       "and 'search' stop at them.", "'direct'"),
    "confluence_global_labels": ("Labels put on every page (no spaces).",
                                 "['handbook', 'generated']"),
    "confluence_append_labels": ("Keep labels added in Confluence; False replaces them.",
                                 "False"),
    "confluence_disable_notifications": ("Updates are minor edits (no watcher e-mails).",
                                         "False"),
    "confluence_watch": ("Keep watching the pages the publishing user writes.", "True"),
    "confluence_version_comment": ("Version message of every page update.",
                                   "'Published by CI'"),
    "confluence_full_width": ("Full-width (True) or fixed-width (False) pages; unset leaves "
                              "the setting alone.", "True"),
    "confluence_publish_intersphinx": ("Attach an objects.inv of the published pages to the "
                                       "root page so other projects can intersphinx into "
                                       "them.", "False"),
    "confluence_asset_override": ("Attachments: None uploads changed ones, True always, "
                                  "False never.", "True"),
    "confluence_publish_concurrency": ("Pages and attachments written at the same time.",
                                       "4"),
    "confluence_cleanup_max_deletes": ("Cleanup refuses to remove more pages than this.",
                                       "100"),
    "confluence_cleanup_force": ("Lift that limit; pages holding foreign pages are kept.",
                                 "True"),
    # -- attachments
    "confluence_additional_mime_types": ("Extra image types Sphinx may pick for "
                                         "'image.*' (warns about unknown types).",
                                         "['image/webp']"),
    "confluence_manifest_data": ("Embed each page and attachment (base64) in "
                                 "scb-manifest.json.", "True"),
    # -- content and formatting
    "confluence_editor": ("Storage dialect: 'v2' (Cloud editor, the Cloud default) or 'v1' "
                          "(legacy editor, the Data Center default).", "'v1'"),
    "confluence_default_alignment": ("Alignment of images and tables without one.",
                                     "'left'"),
    "confluence_default_table_width": ("Width of tables without one (pixels or a CSS "
                                       "length).", "'80%'"),
    "confluence_code_block_theme": ("Theme of Data Center code macros.", "'Midnight'"),
    "confluence_lang_overrides": ("Pygments lexer name -> code macro language (or a "
                                  "function).", "{'toml': 'yaml'}"),
    "confluence_domain_indices": ("Make domain index pages (True: all with entries; or a "
                                  "list of names). Unset: those a toctree or reference "
                                  "names, e.g. modindex. Unknown names are an error.",
                                  "['py-modindex']"),
    "confluence_use_index": ("Make the general index page (genindex); unset: when a "
                             "toctree or reference names it.", "True"),
    "confluence_include_search": ("Make a search page (Confluence's live search in the "
                                  "space); unset: when a toctree or reference names it.",
                                  "True"),
    "confluence_header_file": ("Storage-format file put at the top of every page; relative "
                               "to conf.py.", "'_templates/header.xml'"),
    "confluence_footer_file": ("The same at the bottom.", "'_templates/footer.xml'"),
    "confluence_header_data": ("Render the header file as a Jinja template with these "
                               "values (a missing value or a syntax error stops the "
                               "build).", "{'team': 'Docs'}"),
    "confluence_footer_data": ("The same for the footer file.", "{'year': 2026}"),
    "confluence_page_generation_notice": ("A small 'generated' notice at the top of each "
                                          "page (True, or your own text).",
                                          "'Edit the sources, not this page.'"),
    "confluence_prev_next_buttons_location": ("Links to the previous and next document in "
                                              "toctree order.", "'bottom'"),
    "confluence_navdocs_transform": ("Function (builder, docnames) -> docnames reordering "
                                     "or filtering the previous/next sequence.",
                                     "lambda builder, docs: [d for d in docs "
                                     "if d != 'index']"),
    "confluence_sourcelink": ("An 'Edit Source' link at the top: type github, gitlab, "
                              "bitbucket or codeberg with owner, repo and version "
                              "(optional container, view, host, protocol, text), or a url "
                              "template using {page}, {suffix} and your own keys.",
                              "{'type': 'github', 'owner': 'me', 'repo': 'docs', "
                              "'version': 'main', 'container': 'doc/'}"),
    "confluence_mentions": ("Names usable in mentions, mapped to account ids.",
                            "{'ana': '557058:f00'}"),
    "confluence_jira_servers": ("Named Jira servers (id and name) for the Jira "
                                "directives.", "{'main': {'id': '<uuid>', 'name': 'Jira'}}"),
    "confluence_latex_macro": ("Publish math with a LaTeX macro of the site (a name, or "
                               "block-macro / inline-macro / inline-macro-param).",
                               "'mathblock'"),
    "confluence_mathjax": ("Publish math as MathJax delimiters.", "True"),
    "confluence_html_macro": ("Macro used for raw HTML.", "'html-bobswift'"),
    "confluence_permit_raw_html": ("Publish '.. raw:: html' (as is, or in the named "
                                   "macro).", "'html'"),
    "confluence_tab_macro": ("Macro used for tabs (macro-name; optional primary-id, "
                             "primary-value, title-id).", "{'macro-name': 'tabs'}"),
    "confluence_mermaid_html_macro": ("Put Mermaid diagrams into an HTML macro.", "True"),
    "confluence_file_suffix": ("Suffix of the page files in the output directory.",
                               "'.xml'"),
    "confluence_link_suffix": ("Suffix of file links to pages (the local objects.inv); "
                               "defaults to the file suffix.", "'.html'"),
    "singleconfluence_toctree": ("singleconfluence: keep toctrees as lists of in-page "
                                 "links.", "True"),
    # -- advanced switches
    "confluence_adv_admonition_overrides": ("Admonition node class -> macro name.",
                                            "{'hint': 'tip'}"),
    "confluence_adv_bulk_archiving": ("Archive all stale pages in one request (Cloud "
                                      "Premium); else one request a page.", "True"),
    "confluence_adv_disable_anchor_fix": ("Cloud editor: write each anchor once, without "
                                          "the '<PageTitle>-' form other pages link to.",
                                          "True"),
    "confluence_adv_disable_cloud_prop_delay": ("Cloud: no pause before writing the "
                                                "properties of a page just created.",
                                                "True"),
    "confluence_adv_disable_init": ("Builders other than confluence: do not register this "
                                    "extension's reference handlers and collectors.",
                                    "True"),
    "confluence_adv_embedded_certs": ("Trust only the certificates bundled with requests "
                                      "(certifi), not the operating system's store.",
                                      "True"),
    "confluence_adv_ignore_nodes": ("Node class names dropped silently.",
                                    "['my_custom_node']"),
    "confluence_adv_inlined_images": ("Cloud editor: images are placed inline.", "True"),
    "confluence_adv_node_handler": ("Node class (or name) -> function (translator, node) "
                                    "writing it.", "{'my_node': write_my_node}"),
    "confluence_adv_permit_editor": ("Allow any confluence_editor value.", "True"),
    "confluence_adv_restricted": ("Turn off conversions: 'ext-imgmath' (equations as "
                                  "images), 'ext-graphviz', 'ext-inheritance_diagram', "
                                  "'ext-sphinxcontrib.mermaid' (diagrams as images); what "
                                  "they convert is published as its source, without a "
                                  "warning.", "['ext-graphviz']"),
    "confluence_adv_win32_imgmath_hack": ("Keep drawn equations, diagrams and their "
                                          "temporary files on the output directory's volume "
                                          "(instead of the doctree directory's).", "True"),
    "confluence_adv_cloud": ("Deprecated: use confluence_cloud.", "True"),
    "confluence_disable_env_conf": ("Do not read CONFLUENCE_* environment variables.",
                                    "True"),
}
