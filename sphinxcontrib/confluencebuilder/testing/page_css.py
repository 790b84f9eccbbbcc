"""The one style sheet of the page views, inline in every document (no extra request,
nothing to copy next to an exported file). Close enough to Confluence Cloud's reading
view that a reviewer recognises it; no web fonts, no images."""

CSS = """
*{box-sizing:border-box}
body{margin:0;display:flex;min-height:100vh;font:14px/1.6 -apple-system,"Segoe UI",Roboto,
"Noto Sans",Ubuntu,sans-serif;color:#172b4d;background:#fff}
.sidebar{width:280px;flex:none;background:#f4f5f7;border-right:1px solid #dfe1e6;
padding:16px;overflow:auto}
.space-name{display:block;font-weight:600;font-size:16px;color:#172b4d;text-decoration:none}
.space-key{color:#6b778c;font-size:12px;margin-bottom:12px}
.page-tree ul{list-style:none;margin:0;padding-left:14px}
.page-tree>ul{padding-left:0}
.page-tree a{display:block;padding:2px 6px;border-radius:3px;color:#42526e;text-decoration:none}
.page-tree a:hover{background:#ebecf0}
.page-tree a.current{background:#deebff;color:#0052cc;font-weight:600}
.content{flex:1;max-width:960px;padding:24px 40px 64px}
a{color:#0052cc}
.breadcrumbs{list-style:none;padding:0;margin:0 0 8px;color:#6b778c;font-size:13px}
.breadcrumbs li{display:inline}
.breadcrumbs li+li:before{content:" / "}
.page-title{font-size:28px;font-weight:500;margin:0 0 4px}
.byline{color:#6b778c;font-size:12px;margin-bottom:24px}
.old-version{background:#fffae6;border:1px solid #ffe380;padding:8px 12px;margin:8px 0}
.page-body h1,.page-body h2,.page-body h3{font-weight:500}
.page-body table{border-collapse:collapse;margin:12px 0}
.page-body th,.page-body td{border:1px solid #c1c7d0;padding:7px 10px;vertical-align:top}
.page-body th{background:#f4f5f7;text-align:left}
.page-body td>p:first-child,.page-body th>p:first-child{margin-top:0}
.page-body td>p:last-child,.page-body th>p:last-child{margin-bottom:0}
.page-body img{max-width:100%}
img.image-right{float:right;margin:0 0 8px 12px}
img.image-left{float:left;margin:0 12px 8px 0}
img.image-center{display:block;margin:0 auto}
blockquote{border-left:2px solid #c1c7d0;margin:12px 0;padding-left:16px;color:#42526e}
code{font-family:SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;
background:#f4f5f7;padding:1px 4px;border-radius:3px}
.code-block{border:1px solid #dfe1e6;border-radius:3px;margin:12px 0;background:#f4f5f7}
.code-title{padding:6px 10px;border-bottom:1px solid #dfe1e6;font-weight:600;background:#ebecf0}
pre.code{margin:0;padding:8px 10px;overflow:auto}
pre.code code{background:none;padding:0}
.ln{display:inline-block;min-width:2.5em;color:#97a0af;user-select:none;text-align:right;
margin-right:1em}
details{margin:8px 0}
summary{cursor:pointer;color:#0052cc}
.admonition{border-radius:3px;padding:10px 12px 10px 16px;margin:12px 0;border-left:4px solid}
.admonition-info{background:#deebff;border-color:#0052cc}
.admonition-note{background:#fffae6;border-color:#ff991f}
.admonition-warning{background:#ffebe6;border-color:#de350b}
.admonition-tip{background:#e3fcef;border-color:#00875a}
.admonition-icon{float:right;font-size:11px;text-transform:uppercase;color:#6b778c}
.admonition-title{font-weight:600;margin:0 0 4px}
.panel{border:1px solid #dfe1e6;border-radius:3px;margin:12px 0}
.panel-title{padding:6px 12px;font-weight:600;border-bottom:1px solid #dfe1e6}
.panel-body{padding:8px 12px}
.status{display:inline-block;font-size:11px;font-weight:700;padding:0 4px;border-radius:3px;
border:1px solid;line-height:16px}
.status-grey{background:#dfe1e6;color:#42526e}.status-red{background:#ffebe6;color:#bf2600}
.status-yellow{background:#fff0b3;color:#172b4d}.status-green{background:#e3fcef;color:#006644}
.status-blue{background:#deebff;color:#0747a6}.status-purple{background:#eae6ff;color:#403294}
.status-subtle{background:#fff}
.toc ul{list-style:none;padding-left:0}
.toc-l2{padding-left:16px}.toc-l3{padding-left:32px}.toc-l4{padding-left:48px}
.toc-l5{padding-left:64px}.toc-l6{padding-left:80px}
.placeholder{border:1px dashed #de350b;background:#fff7f5;color:#5e1b00;padding:4px 8px;
margin:4px 0;border-radius:3px}
span.placeholder{display:inline-block;margin:0 2px;padding:0 6px}
.ph-label{font-size:12px}
.broken-link{color:#de350b;text-decoration:line-through dotted}
.unsafe-link{color:#6b778c;text-decoration:underline dotted}
.user-mention{background:#ebecf0;border-radius:12px;padding:0 6px}
.labels ul,.attachments ul{padding-left:0;list-style:none}
.labels li{display:inline-block;background:#ebecf0;border-radius:3px;padding:0 6px;margin:2px}
.labels h2,.attachments h2{font-size:14px;color:#6b778c;margin:32px 0 4px}
.meta{color:#6b778c;font-size:12px}
table.diff{width:100%;border-collapse:collapse;font-size:12px}
table.diff td{padding:1px 6px;white-space:pre-wrap;word-break:break-all}
table.diff tr.added{background:#e3fcef}table.diff tr.removed{background:#ffebe6}
table.diff tr.hunk{color:#6b778c;background:#f4f5f7}
.task-list{list-style:none;padding-left:4px}.task-done{color:#6b778c}
.layout-section{display:flex;gap:16px}.layout-cell{flex:1}
.empty{color:#6b778c}
.card{display:block;border:1px solid #dfe1e6;border-radius:3px;padding:8px 12px;margin:8px 0;
box-shadow:0 1px 1px rgba(9,30,66,.25)}
"""
