/* govlint editors' page. Plain JS, no build step, no external assets.
 *
 * Offsets: findings and completeness evidence index report.document.text (the normalised body), which is
 * what the annotated view shows. Applying a suggestion edits the textarea: for pasted text at the finding's
 * source_start/source_end (the user's own text) when present, otherwise at start/end (after an upload the
 * textarea holds the normalised text, so both agree).
 */
"use strict";

const GENRES = { interpretation: "政策解读", news: "新闻", normative: "规范性文件", other: "其他" };
const ELEMENTS = {
  background: "出台背景/依据", purpose: "目的/意义", tasks: "目标/任务", content: "主要内容",
  scope: "适用范围", measures: "执行标准/惠民举措", terms: "关键词/术语诠释", differences: "新旧政策差异",
  guidance: "办事指引", linked_document: "关联原文件",
};
const CORE = ["background", "purpose", "tasks", "content"];
const FORMS = { text: "文字", qa: "问答", graphic: "图解", video: "音视频" };
const SEVERITY = { serious: "严重", warning: "警告", info: "提示" };
const SEV_RANK = { serious: 3, warning: 2, info: 1 };
const CATEGORIES = {
  political: "政治表述", institution: "机构名称", sensitive: "敏感内容", spam: "违规广告", typo: "错别字",
  format: "格式", garbled: "乱码", copy: "照搬原文", other: "其他",
};
const TASK_NAMES = { genre: "文种识别", completeness: "解读要素", wording: "错敏检查" };
const SAMPLE = [
  "关于《某市促进中小企业发展若干措施》的政策解读",
  "一、出台背景",
  "为深入贯彻落实党中央、国务院关于支持中小企业发展的决策部署，进一步优化营商环境，市政府办公室研究制定了《某市促进中小企业发展若干措施》。",
  "二、主要目的",
  "通过加大财政支持、强化融资服务，帮助中小企业降低经营成本，激发市场主体活力。",
  "三、主要内容",
  "《措施》共四个方面十二条。一是加大财政拔款力度，对新认定的专精特新企业给予一次性奖励；二是强化融资担保；三是持续推进扫黑险恶专项斗争，营造公平竞争环境；四是优化政务服务。",
  "四、办事指引",
  "符合条件的企业可向市工业和信息化局提出申请，受理时间为工作日上午9时至下午5时。",
].join("\n");

const $ = (sel) => document.querySelector(sel);
const state = { report: null, mode: "source", taText: "", viewText: "", findings: [], evidence: [], lastFile: null };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function setStatus(msg, isError = false) {
  const s = $("#status");
  s.textContent = msg;
  s.classList.toggle("error", isError);
}

function pct(x) { return x === null || x === undefined ? "—" : `${Math.round(x * 100)}%`; }

function selectedTasks() {
  return [...document.querySelectorAll('input[name="task"]:checked')].map((i) => i.value);
}

function metaFields() {
  const out = {};
  for (const k of ["title", "column", "published", "fileno"]) {
    const v = $("#" + k).value.trim();
    if (v) out[k] = v;
  }
  return out;
}

async function postAnalyze(body, isForm) {
  const init = { method: "POST", body: isForm ? body : JSON.stringify(body) };
  if (!isForm) init.headers = { "Content-Type": "application/json" };
  let resp;
  try {
    resp = await fetch("/v1/analyze", init);
  } catch (e) {
    throw new Error("无法连接检查服务，请确认服务已启动后重试。");
  }
  let data = null;
  try { data = await resp.json(); } catch (e) { /* handled below */ }
  if (!resp.ok) {
    const detail = data && (data.detail || data.title);
    const code = data && data.code ? `（${data.code}）` : "";
    throw new Error(`检查失败：${problemText(data) || detail || resp.status}${code}`);
  }
  if (!data) throw new Error("服务返回的结果无法解析，请重试。");
  return data;
}

function problemText(p) {
  if (!p) return "";
  const known = {
    empty_input: "文本为空，请粘贴正文或上传文件。",
    too_large: "文件或文本过大（上限 5 MB），请拆分后再检查。",
    unsupported_file_type: "不支持的文件类型，请上传 .docx、.pdf、.html 或 .txt 文件。",
    timeout: "检查超时，请缩短文本或减少检查项目后重试。",
    text_too_long: "文本过长，请拆分后分段检查。",
  };
  return known[p.code] || p.detail || "";
}

async function analyzeText(ev) {
  if (ev) ev.preventDefault();
  const text = $("#text").value;
  if (!text.trim()) { setStatus("请先粘贴正文或上传文件。", true); $("#text").focus(); return; }
  const tasks = selectedTasks();
  if (!tasks.length) { setStatus("请至少选择一个检查项目。", true); return; }
  const body = { text, include_text: true, tasks, ...metaFields() };
  const related = $("#related").value;
  if (related.trim()) body.document = related;
  await runAnalysis(() => postAnalyze(body, false), "source", text);
}

async function analyzeFile(file) {
  if (!file) return;
  const tasks = selectedTasks();
  if (!tasks.length) { setStatus("请至少选择一个检查项目。", true); return; }
  const form = new FormData();
  form.append("file", file, file.name);
  form.append("include_text", "true");
  form.append("tasks", tasks.join(","));
  for (const [k, v] of Object.entries(metaFields())) form.append(k, v);
  const related = $("#related").value;
  if (related.trim()) form.append("document", related);
  await runAnalysis(() => postAnalyze(form, true), "normalised", null, file.name);
}

async function runAnalysis(call, mode, submitted, fileName) {
  const btn = $("#run");
  btn.disabled = true;
  $("#results").setAttribute("aria-busy", "true");
  setStatus(fileName ? `正在读取并检查“${fileName}”……` : "正在检查……");
  try {
    const report = await call();
    const text = report.document && report.document.text !== null ? report.document.text : "";
    if (mode === "normalised") $("#text").value = text;
    state.report = report;
    state.mode = mode;
    state.taText = mode === "normalised" ? text : submitted;
    state.viewText = text;
    state.findings = (report.findings || []).map((f, i) => ({ ...f, id: i, applied: false, stale: false }));
    state.evidence = collectEvidence(report);
    render();
    const n = state.findings.length;
    const sev = state.findings.filter((f) => f.severity === "serious").length;
    setStatus(`检查完成：${report.findings ? `发现 ${n} 处问题（严重 ${sev} 处）` : "未进行错敏检查"}。`);
  } catch (e) {
    setStatus(e.message, true);
  } finally {
    btn.disabled = false;
    $("#results").removeAttribute("aria-busy");
  }
}

function collectEvidence(report) {
  const out = [];
  const c = report.completeness;
  if (!c || !c.elements) return out;
  for (const [name, r] of Object.entries(c.elements)) {
    (r.evidence || []).forEach((s, k) => out.push({ element: name, start: s.start, end: s.end, text: s.text, k }));
  }
  return out;
}

/* ---------- rendering ---------- */

function render() {
  const r = state.report;
  $("#results").hidden = false;
  renderMeta(r);
  renderIssues(r);
  renderGenre(r);
  renderCompleteness(r);
  renderView();
  renderFindings();
}

function renderMeta(r) {
  const d = r.document || {};
  const parts = [];
  if (d.title) parts.push(`标题：${d.title}`);
  parts.push(`字数：${d.chars}`);
  if (d.format) parts.push(`格式：${d.format}`);
  const ms = Object.values(r.timings_ms || {}).reduce((a, b) => a + b, 0);
  if (ms) parts.push(`分析耗时：${Math.round(ms)} ms`);
  parts.push(`检查时间：${new Date().toLocaleString("zh-CN", { hour12: false })}`);
  $("#doc-meta").textContent = parts.join(" · ");
}

function issueText(issue) {
  const m = /^(genre|completeness|wording)_(unavailable|failed)$/.exec(issue.code);
  if (m) return `${TASK_NAMES[m[1]]}${m[2] === "unavailable" ? "模型尚未就绪，本项未检查" : "出错，本项结果缺失"}`;
  return issue.message;
}

function renderIssues(r) {
  const box = $("#issues");
  box.replaceChildren();
  const serious = (r.findings || []).filter((f) => f.severity === "serious").length;
  if (serious) {
    box.append(el("div", { class: "issue error veto", role: "alert", id: "veto" },
      `发现 ${serious} 处严重表述错误。按《政府网站与政务新媒体检查指标》，严重表述错误可导致网站检查单项否决，请发布前逐一核改。`));
  }
  for (const e of r.errors || []) {
    box.append(el("div", { class: "issue error", role: "note" }, issueText(e), el("small", { text: `${e.code}: ${e.message}` })));
  }
  for (const w of r.warnings || []) {
    box.append(el("div", { class: "issue", role: "note" }, w.message, el("small", { text: w.code })));
  }
}

function renderGenre(r) {
  const box = $("#genre");
  box.replaceChildren();
  const g = r.genre;
  if (!g) { box.append(el("p", { class: "muted", text: "未识别（未选择或模型不可用）" })); return; }
  const label = GENRES[g.label] || g.label;
  box.append(
    el("span", { class: `badge g-${g.label}${g.abstained ? " abstained" : ""}`, id: "genre-badge",
      "aria-label": `文种：${label}，置信度 ${pct(g.confidence)}${g.abstained ? "，置信度低" : ""}` }, label),
    el("span", { class: "conf", "aria-hidden": "true" }, `置信度 ${pct(g.confidence)}`),
  );
  if (g.abstained) box.append(el("p", { class: "small muted", text: "置信度低于阈值，结论仅供参考，请人工判断。" }));
  const scores = Object.entries(g.scores || {}).sort((a, b) => b[1] - a[1]);
  if (scores.length) {
    box.append(el("p", { class: "small muted" }, scores.map(([k, v]) => `${GENRES[k] || k} ${pct(v)}`).join(" · ")));
  }
  if (g.evidence && g.evidence.length) {
    box.append(el("details", { class: "why" }, el("summary", {}, `判定依据（${g.evidence.length} 条）`),
      el("ul", {}, g.evidence.slice(0, 12).map((e) => el("li", { text: e })))));
  }
  if (g.model) box.append(el("p", { class: "small muted", text: `模型：${g.model}` }));
}

function renderCompleteness(r) {
  const box = $("#completeness");
  box.replaceChildren();
  const c = r.completeness;
  if (!c) { box.append(el("p", { class: "muted", text: "未评估（未选择或模型不可用）" })); return; }
  const head = el("p", {});
  if (c.score === null || c.score === undefined) {
    head.append(el("span", { class: "muted", text: c.message || "文本过短，无法评估完整性。" }));
  } else {
    head.append(el("span", { class: "score", id: "completeness-score" }, `${Math.round(c.score)} 分`),
      el("meter", { min: "0", max: "100", low: "60", high: "85", optimum: "100", value: String(c.score),
        "aria-label": `完整性得分 ${Math.round(c.score)} 分（满分 100）` }));
  }
  box.append(head);
  const facts = [`形式：${FORMS[c.form] || c.form}`];
  if (c.copy_ratio !== null && c.copy_ratio !== undefined) facts.push(`照搬原文比例：${pct(c.copy_ratio)}`);
  if (c.model) facts.push(`模型：${c.model}`);
  box.append(el("p", { class: "small muted", text: facts.join(" · ") }));
  if (c.message && c.score !== null) box.append(el("p", { class: "small", text: c.message }));
  const names = Object.keys(c.elements || {}).sort((a, b) => order(a) - order(b));
  const ul = el("ul", { class: "checklist", "aria-label": "解读要素清单" });
  for (const name of names) {
    const e = c.elements[name];
    const label = ELEMENTS[name] || name;
    const evid = e.evidence || [];
    const li = el("li", { class: `${e.present ? "present" : "missing"}${CORE.includes(name) ? " core" : ""}`,
      "data-element": name });
    li.append(el("span", { class: "icon", "aria-hidden": "true" }, e.present ? "✓" : "✗"),
      `${label}`,
      el("span", { class: "small muted" }, ` ${e.present ? "已具备" : "缺失"} ${pct(e.confidence)}`));
    if (evid.length) {
      li.append(el("button", { type: "button", class: "ev-jump", "data-element": name,
        "aria-label": `在正文中查看“${label}”的依据（${evid.length} 处）`, onclick: () => jumpEvidence(name) }, `依据 ${evid.length}`));
      li.append(el("span", { class: "quote", title: evid[0].text }, `“${evid[0].text}”`));
    }
    ul.append(li);
  }
  box.append(ul);
}

function order(name) { const i = Object.keys(ELEMENTS).indexOf(name); return i < 0 ? 99 : i; }

/* Split the text at every span boundary; each piece is wrapped in one <mark> carrying all spans over it. */
function renderView() {
  const view = $("#view");
  view.replaceChildren();
  const text = state.viewText;
  if (!text) { view.append(el("p", { class: "muted", text: "（服务未返回正文）" })); return; }
  const spans = [];
  for (const f of state.findings) {
    if (!f.stale && f.end > f.start && f.start >= 0 && f.end <= text.length) spans.push({ kind: "f", s: f.start, e: f.end, f });
  }
  for (const ev of state.evidence) {
    if (ev.end > ev.start && ev.start >= 0 && ev.end <= text.length) spans.push({ kind: "ev", s: ev.start, e: ev.end, ev });
  }
  const cuts = new Set([0, text.length]);
  for (const sp of spans) { cuts.add(sp.s); cuts.add(sp.e); }
  const points = [...cuts].sort((a, b) => a - b);
  const frag = document.createDocumentFragment();
  const firstMark = new Set();
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const piece = text.slice(a, b);
    const over = spans.filter((sp) => sp.s <= a && sp.e >= b);
    if (!over.length) { frag.append(piece); continue; }
    const fs = over.filter((sp) => sp.kind === "f").map((sp) => sp.f);
    const evs = over.filter((sp) => sp.kind === "ev").map((sp) => sp.ev);
    const classes = [];
    const attrs = {};
    if (fs.length) {
      const top = fs.reduce((x, y) => (SEV_RANK[y.severity] > SEV_RANK[x.severity] ? y : x));
      classes.push("finding", top.applied ? "applied" : `sev-${top.severity}`);
      attrs["data-fids"] = fs.map((f) => f.id).join(" ");
      attrs.title = fs.map((f) => `${SEVERITY[f.severity]}：${f.message}`).join("\n");
      for (const f of fs) {
        if (!firstMark.has("f" + f.id)) { firstMark.add("f" + f.id); attrs.id = attrs.id || `mark-${f.id}`; }
      }
    }
    if (evs.length) {
      classes.push("ev");
      attrs["data-elements"] = [...new Set(evs.map((v) => v.element))].join(" ");
    }
    const m = el("mark", { class: classes.join(" "), tabindex: "-1", ...attrs }, piece);
    if (fs.length) m.addEventListener("click", () => focusFinding(fs[0].id));
    frag.append(m);
  }
  view.append(frag);
}

function renderFindings() {
  const list = $("#findings");
  list.replaceChildren();
  const r = state.report;
  if (r.findings === null || r.findings === undefined) {
    $("#finding-count").textContent = "";
    list.append(el("li", { class: "empty", text: "未进行错敏检查（未选择或模型不可用）。" }));
    return;
  }
  const open = state.findings.filter((f) => !f.applied).length;
  $("#finding-count").textContent = `（${open} 处）`;
  if (!state.findings.length) { list.append(el("li", { class: "empty", text: "未发现错敏信息。" })); return; }
  for (const f of state.findings) {
    const sev = SEVERITY[f.severity] || f.severity;
    const cat = CATEGORIES[f.category] || f.category;
    const li = el("li", { class: `sev-${f.severity}${f.applied ? " applied" : ""}`, id: `finding-${f.id}`, tabindex: "-1" });
    const label = `第 ${f.id + 1} 处，${sev}，${cat}：“${f.text}”${f.suggestion ? `，建议改为“${f.suggestion}”` : ""}。在正文中定位`;
    li.append(el("button", { type: "button", class: "jump", "aria-label": label, onclick: () => jumpToFinding(f.id) },
      el("span", { class: `chip sev-${f.severity}` }, sev), el("span", { class: "chip cat" }, cat),
      el("span", { class: "wrong" }, f.text),
      f.suggestion !== null && f.suggestion !== undefined ? [" → ", el("span", { class: "right" }, f.suggestion || "（删除）")] : null));
    li.append(el("p", { text: f.message }));
    li.append(el("p", { class: "meta" }, `规则：${f.rule} · 置信度 ${pct(f.confidence)}`));
    const actions = el("div", { class: "actions" });
    if (f.suggestion !== null && f.suggestion !== undefined) {
      actions.append(
        el("button", { type: "button", class: "apply", disabled: f.applied || f.stale,
          "aria-label": `应用建议：将“${f.text}”改为“${f.suggestion}”`, onclick: () => applyFinding(f.id) },
          f.applied ? "已应用" : "应用建议"),
        el("button", { type: "button", class: "copy", "aria-label": `复制建议“${f.suggestion}”`,
          onclick: () => copySuggestion(f.id) }, "复制建议"));
    }
    if (f.stale && !f.applied) actions.append(el("span", { class: "small muted", text: "所在文字已被修改，请重新检查" }));
    li.append(actions);
    list.append(li);
  }
}

/* ---------- interactions ---------- */

function flash(node) {
  node.classList.add("flash");
  setTimeout(() => node.classList.remove("flash"), 1600);
}

function jumpToFinding(id) {
  const m = document.getElementById(`mark-${id}`);
  document.querySelectorAll(".findings li.current").forEach((n) => n.classList.remove("current"));
  const li = document.getElementById(`finding-${id}`);
  if (li) li.classList.add("current");
  if (!m) { setStatus("该问题在正文中的位置已变化，请重新检查。"); return; }
  m.scrollIntoView({ block: "center", behavior: "smooth" });
  m.focus({ preventScroll: true });
  flash(m);
}

function focusFinding(id) {
  const li = document.getElementById(`finding-${id}`);
  if (!li) return;
  document.querySelectorAll(".findings li.current").forEach((n) => n.classList.remove("current"));
  li.classList.add("current");
  li.scrollIntoView({ block: "nearest", behavior: "smooth" });
  const btn = li.querySelector("button.jump");
  (btn || li).focus({ preventScroll: true });
}

function jumpEvidence(name) {
  const marks = [...document.querySelectorAll("mark.ev")].filter((m) => (m.dataset.elements || "").split(" ").includes(name));
  document.querySelectorAll("mark.ev.active").forEach((m) => m.classList.remove("active"));
  marks.forEach((m) => m.classList.add("active"));
  if (!marks.length) { setStatus("该要素的依据在正文中的位置已变化。"); return; }
  marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
  marks[0].focus({ preventScroll: true });
  flash(marks[0]);
  setStatus(`已在正文中标出“${ELEMENTS[name] || name}”的依据（${marks.length} 处）。`);
}

/* Replace the finding's span in the textarea and in the annotated text; shift every later span. */
function applyFinding(id) {
  const f = state.findings.find((x) => x.id === id);
  if (!f || f.applied || f.stale || f.suggestion === null || f.suggestion === undefined) return;
  const ta = $("#text");
  if (ta.value !== state.taText) {
    setStatus("文本框内容已被手动修改，位置可能不准确。请重新检查后再应用建议。", true);
    return;
  }
  const useSource = state.mode === "source" && f.source_start !== null && f.source_start !== undefined;
  const [s, e] = useSource ? [f.source_start, f.source_end] : [f.start, f.end];
  if (s < 0 || e > ta.value.length || s > e) { setStatus("无法定位该问题，请重新检查。", true); return; }
  const sugg = f.suggestion;
  ta.value = ta.value.slice(0, s) + sugg + ta.value.slice(e);
  state.taText = ta.value;
  const dSrc = sugg.length - (e - s);
  const dView = sugg.length - (f.end - f.start);
  const vs = f.start, ve = f.end;
  state.viewText = state.viewText.slice(0, vs) + sugg + state.viewText.slice(ve);
  for (const g of state.findings) {
    if (g === f) continue;
    if (g.end <= vs) continue;
    if (g.start >= ve) {
      g.start += dView; g.end += dView;
      if (g.source_start !== null && g.source_start !== undefined) { g.source_start += dSrc; g.source_end += dSrc; }
    } else {
      g.stale = true; // overlaps the edited text: its offsets and suggestion no longer hold
    }
  }
  for (const ev of state.evidence) {
    if (ev.start >= ve) { ev.start += dView; ev.end += dView; }
    else if (ev.end > vs) { ev.end = Math.max(ev.start, ev.end + dView); }
  }
  f.applied = true;
  f.end = f.start + sugg.length;
  if (useSource) f.source_end = f.source_start + sugg.length;
  renderView();
  renderFindings();
  setStatus(`已将“${f.text}”改为“${sugg}”。全部修改后建议重新检查。`);
  const next = document.querySelector(`#finding-${id} button.copy`) || document.querySelector(`#finding-${id} button.jump`);
  if (next) next.focus();
}

async function copySuggestion(id) {
  const f = state.findings.find((x) => x.id === id);
  if (!f || f.suggestion === null || f.suggestion === undefined) return;
  try {
    await navigator.clipboard.writeText(f.suggestion);
  } catch (e) {
    const tmp = el("textarea", { "aria-hidden": "true" });
    tmp.value = f.suggestion;
    tmp.style.position = "fixed"; tmp.style.opacity = "0";
    document.body.append(tmp);
    tmp.select();
    try { document.execCommand("copy"); } catch (e2) { /* nothing else to try */ }
    tmp.remove();
  }
  setStatus(`已复制建议“${f.suggestion}”。`);
}

function exportJson() {
  if (!state.report) return;
  const blob = new Blob([JSON.stringify(state.report, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  const a = el("a", { href: url, download: `govlint-report-${stamp}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
  setStatus("已下载 JSON 报告。");
}

function clearAll() {
  $("#text").value = "";
  $("#file").value = "";
  $("#file-name").textContent = "未选择文件";
  $("#results").hidden = true;
  state.report = null;
  setStatus("已清空。");
  $("#text").focus();
}

document.addEventListener("DOMContentLoaded", () => {
  $("#form").addEventListener("submit", analyzeText);
  $("#text").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) analyzeText(ev);
  });
  $("#file").addEventListener("change", (ev) => {
    const file = ev.target.files && ev.target.files[0];
    $("#file-name").textContent = file ? file.name : "未选择文件";
    if (file) analyzeFile(file);
  });
  $("#sample").addEventListener("click", () => {
    $("#text").value = SAMPLE;
    $("#column").value = "政策解读";
    setStatus("已填入示例文稿（含两处典型错误），按“开始检查”查看结果。");
    $("#text").focus();
  });
  $("#clear").addEventListener("click", clearAll);
  $("#show-ev").addEventListener("change", (ev) => $("#view").classList.toggle("show-ev", ev.target.checked));
  $("#export-json").addEventListener("click", exportJson);
  $("#print").addEventListener("click", () => window.print());
});
