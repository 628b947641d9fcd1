namespace Tolk.Api.Infrastructure;

/// <summary>
/// A small self-contained page that renders <c>/openapi/v1.json</c> (operations by tag, parameters,
/// request and response schemas) and lets a user try GET requests with a token. No CDN, no package.
/// </summary>
internal static class ApiBrowserPage
{
    public const string Html = """
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tolk API</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
h2{border-bottom:1px solid #ccc;margin-top:2rem}
details{border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer;font-family:monospace}
.m{display:inline-block;width:4.5rem;font-weight:bold}
.GET{color:#2a7}.POST{color:#27a}.PUT{color:#a72}.DELETE{color:#c33}
pre{background:#f6f6f6;padding:.5rem;overflow:auto}
input{width:30rem}
</style></head>
<body>
<h1>Tolk management API</h1>
<p>Document: <a href="/openapi/v1.json">/openapi/v1.json</a>. Token (for "Try GET"): <input id="tok" placeholder="Bearer token or X-Api-Key"></p>
<div id="ops">Loading…</div>
<script>
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
fetch('/openapi/v1.json').then(r => r.json()).then(doc => {
  const byTag = {};
  for (const [path, item] of Object.entries(doc.paths || {}))
    for (const [verb, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      const tag = (op.tags || ['Other'])[0];
      (byTag[tag] ||= []).push({path, verb: verb.toUpperCase(), op});
    }
  let html = '<p>' + esc(doc.info?.description || '') + '</p>';
  for (const tag of Object.keys(byTag).sort()) {
    html += '<h2>' + esc(tag) + '</h2>';
    for (const {path, verb, op} of byTag[tag]) {
      const params = (op.parameters || []).map(p => esc(p.name) + ' (' + esc(p.in) + ')').join(', ');
      const body = op.requestBody ? esc(JSON.stringify(op.requestBody.content, null, 2)) : '';
      const resp = esc(JSON.stringify(op.responses, null, 2));
      const tryIt = verb === 'GET' ? `<button onclick="tryGet(this,'${esc(path)}')">Try GET</button><pre></pre>` : '';
      html += `<details><summary><span class="m ${verb}">${verb}</span>${esc(path)} ${op.operationId ? '— ' + esc(op.operationId) : ''}</summary>
        ${params ? '<p>Parameters: ' + params + '</p>' : ''}${body ? '<p>Request body:</p><pre>' + body + '</pre>' : ''}
        <p>Responses:</p><pre>${resp}</pre>${tryIt}</details>`;
    }
  }
  html += '<h2>Schemas</h2><pre>' + esc(JSON.stringify(doc.components?.schemas || {}, null, 2)) + '</pre>';
  document.getElementById('ops').innerHTML = html;
});
async function tryGet(button, template) {
  const path = prompt('Path', template); if (!path) return;
  const t = document.getElementById('tok').value.trim();
  const headers = t.startsWith('tolk_') ? {'X-Api-Key': t} : (t ? {'Authorization': 'Bearer ' + t} : {});
  const r = await fetch(path, {headers});
  button.nextElementSibling.textContent = r.status + '\n' + await r.text();
}
</script></body></html>
""";
}
