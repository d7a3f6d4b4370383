/* The signs a note gives, read in the browser: self.FossaNotes.read(text, table).

   The same algorithm as webapp/insights/notes.py, step for step, over the same
   phrase table (webapp.insights.client_note_phrases(lang), embedded by the page as
   JSON), so the warning as a person types says what the server reads after saving.
   Pure: no DOM, usable in pages and in the service worker. Returns the AFFIRMED
   signs only, [{field, value, quote}], first mention of each; a negated, historical,
   hypothetical, other-person or other-body-part mention is not a sign.
   docs/notes-reading.md explains the method. */
(function (root) {
  "use strict";

  var TOKEN = /[\p{L}\p{N}]+(?:['\u2019][\p{L}\p{N}]+)*(?:\/[\p{L}\p{N}]*)*|[.,;:!?\n&+]|(?<=\s)-|-(?=\s)/gu;
  var HYPHEN_IN_WORD = /(?<=[\p{L}\p{N}])-(?=[\p{L}\p{N}])/gu;
  var CLAUSE_END = { ".": 1, ";": 1, "!": 1, "\n": 1 };
  var SEGMENT_END = { ",": 1, "-": 1, ":": 1 };
  var PUNCT = { ".": 1, ";": 1, "!": 1, "\n": 1, ",": 1, "-": 1, ":": 1, "?": 1 };
  var YEAR = /^(19|20)\d\d$/;
  var CUES = [
    "clause_breaks", "list_joins", "negation_before", "negation_after",
    "negation_after_final", "pseudo", "history_before", "history_after",
    "history_near", "hypothetical_before", "other_person_before"
  ];
  var compiled = typeof WeakMap === "function" ? new WeakMap() : null;
  var readCache = {};
  var readCacheSize = 0;

  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }

  function normalizeWord(word) {
    return word.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/['\u2019]/g, "");
  }

  function words(phrase) {
    return phrase.replace(HYPHEN_IN_WORD, " ").split(/\s+/).filter(Boolean).map(normalizeWord);
  }

  function withinOneEdit(a, b) {
    if (a === b) return true;
    var la = a.length, lb = b.length, i;
    if (Math.abs(la - lb) > 1) return false;
    if (la === lb) {
      var diff = [];
      for (i = 0; i < la; i++) if (a[i] !== b[i]) diff.push(i);
      if (diff.length === 1) return true;
      return diff.length === 2 && diff[1] === diff[0] + 1 &&
        a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
    }
    var short = la < lb ? a : b, long = la < lb ? b : a;
    i = 0;
    while (i < short.length && short[i] === long[i]) i++;
    return short.slice(i) === long.slice(i + 1);
  }

  function isAlpha(word) { return /^\p{L}+$/u.test(word); }

  function compile(data) {
    var table = {
      data: data,
      negBeforeWindow: data.windows.negation_before,
      negAfterWindow: data.windows.negation_after,
      historyNearWindow: data.windows.history_near,
      gap: data.windows.gap,
      fuzzyMin: data.windows.fuzzy_min_length,
      quoteWords: data.windows.quote_words,
      shorthand: {},
      unrelatedNext: [],
      conjunctions: {},
      signs: data.signs,
      signUnrelated: [],
      byFirst: {},
      known: {},
      fuzzyTargets: {},
      corrections: {}
    };
    Object.keys(data.shorthand).forEach(function (k) {
      table.shorthand[normalizeWord(k)] = words(data.shorthand[k]);
    });
    data.unrelated_next.forEach(function (p) { var w = words(p); if (w.length) table.unrelatedNext.push(w); });
    (data.conjunctions || []).forEach(function (p) { words(p).forEach(function (w) { table.conjunctions[w] = 1; }); });
    var index = {};
    var keys = [];
    function add(phrase, kind, payload) {
      var key = words(phrase);
      if (!key.length) return;
      var id = key.join(" ");
      if (!has(index, id)) { index[id] = { key: key, whats: [] }; keys.push(id); }
      var whats = index[id].whats;
      for (var i = 0; i < whats.length; i++) if (whats[i][0] === kind && whats[i][1] === payload) return;
      whats.push([kind, payload]);
    }
    CUES.forEach(function (cue) { (data[cue] || []).forEach(function (p) { add(p, cue, null); }); });
    Object.keys(data.sites).forEach(function (group) {
      data.sites[group].forEach(function (p) { add(p, "site", group); });
    });
    data.signs.forEach(function (sign, number) {
      sign.phrases.forEach(function (p) { add(p, "sign", number); });
      var unrelated = [];
      (sign.unrelated_next || []).forEach(function (p) { var w = words(p); if (w.length) unrelated.push(w); });
      table.signUnrelated.push(unrelated);
    });
    var vocabulary = {};
    keys.forEach(function (id) {
      var item = index[id];
      (table.byFirst[item.key[0]] = table.byFirst[item.key[0]] || []).push(item);
      item.key.forEach(function (w) { if (w !== "*") vocabulary[w] = 1; });
    });
    function spelling(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
    function solid(key) { return key.filter(function (w) { return w !== "*"; }).length; }
    Object.keys(table.byFirst).forEach(function (first) {
      table.byFirst[first].sort(function (x, y) {
        return (solid(y.key) - solid(x.key)) || compareKeys(x.key, y.key);
      });
    });
    function compareKeys(a, b) {
      // Python compares tuples of words: word by word, a shorter prefix first.
      for (var i = 0; i < Math.min(a.length, b.length); i++) {
        var c = spelling(a[i], b[i]);
        if (c) return c;
      }
      return a.length - b.length;
    }
    Object.keys(vocabulary).forEach(function (w) { table.known[w] = 1; });
    (data.known_words || []).forEach(function (w) { table.known[normalizeWord(w)] = 1; });
    Object.keys(vocabulary).sort(spelling).forEach(function (w) {
      if (w.length >= table.fuzzyMin - 1 && isAlpha(w)) {
        (table.fuzzyTargets[w[0]] = table.fuzzyTargets[w[0]] || []).push(w);
      }
    });
    return table;
  }

  function tableFor(data) {
    if (compiled) {
      var t = compiled.get(data);
      if (!t) { t = compile(data); compiled.set(data, t); }
      return t;
    }
    return compile(data);
  }

  function correct(table, word) {
    if (has(table.known, word) || word.length < table.fuzzyMin || !isAlpha(word)) return word;
    if (has(table.corrections, word)) return table.corrections[word];
    var result = word;
    var targets = table.fuzzyTargets[word[0]] || [];
    for (var i = 0; i < targets.length; i++) {
      if (Math.abs(targets[i].length - word.length) <= 1 && withinOneEdit(word, targets[i])) {
        result = targets[i];
        break;
      }
    }
    table.corrections[word] = result;
    return result;
  }

  function tokensOf(text, table) {
    var tokens = [];
    var source = text.replace(HYPHEN_IN_WORD, " ");
    var m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(source)) !== null) {
      var raw = m[0], start = m.index, end = m.index + raw.length;
      if (has(PUNCT, raw)) { tokens.push([raw, start, end]); continue; }
      var word = normalizeWord(raw);
      if (has(table.shorthand, word)) {
        table.shorthand[word].forEach(function (w) { tokens.push([w, start, end]); });
      } else if (word.indexOf("/") !== -1) {
        // "red/swollen": two words; "w/" and "w/o" are shorthand, above.
        var offset = start;
        raw.split("/").forEach(function (part) {
          if (part) tokens.push([correct(table, normalizeWord(part)), offset, offset + part.length]);
          offset += part.length + 1;
        });
      } else {
        tokens.push([correct(table, word), start, end]);
      }
    }
    return tokens;
  }

  function matchAt(ws, i, key, gap) {
    function walk(pos, k) {
      if (k === key.length) return pos;
      if (key[k] === "*") {
        for (var skip = 0; skip <= gap; skip++) {
          var stop = pos + skip;
          if (stop > ws.length) break;
          var crosses = false;
          for (var q = pos; q < stop; q++) if (has(PUNCT, ws[q])) crosses = true;
          if (crosses) break;
          var end = walk(stop, k + 1);
          if (end !== -1) return end;
        }
        return -1;
      }
      if (pos < ws.length && ws[pos] === key[k]) return walk(pos + 1, k + 1);
      return -1;
    }
    return walk(i, 0);
  }

  function matchesOf(ws, table) {
    var found = [];
    var i = 0;
    while (i < ws.length) {
      var best = null;
      var candidates = has(table.byFirst, ws[i]) ? table.byFirst[ws[i]] : [];
      for (var c = 0; c < candidates.length; c++) {
        var end = matchAt(ws, i, candidates[c].key, table.gap);
        if (end !== -1) { best = [i, end, candidates[c].whats]; break; }
      }
      if (best === null) i += 1;
      else { found.push(best); i = best[1]; }
    }
    return found;
  }

  function whatsHave(whats, kind) {
    for (var i = 0; i < whats.length; i++) if (whats[i][0] === kind) return true;
    return false;
  }

  function read(text, data) {
    if (typeof text !== "string" || !text.trim() || !data) return [];
    var cacheKey = data.lang + "\u0000" + text;
    if (has(readCache, cacheKey)) return clone(readCache[cacheKey]);
    var table = tableFor(data);
    var tokens = tokensOf(text, table);
    var ws = tokens.map(function (t) { return t[0]; });
    var matches = matchesOf(ws, table);
    var breaks = {};
    matches.forEach(function (m) { if (whatsHave(m[2], "clause_breaks")) breaks[m[0]] = m[1]; });
    var clauseOf = [], segmentOf = [], sentenceOf = [];
    var clause = 0, segment = 0, sentence = 0, i = 0;
    while (i < ws.length) {
      if (has(CLAUSE_END, ws[i])) { clause += 1; segment += 1; sentence += 1; }
      else if (has(SEGMENT_END, ws[i])) { segment += 1; }
      else if (has(breaks, i)) {
        clause += 1; segment += 1;
        for (var b = i; b < breaks[i]; b++) { clauseOf.push(-1); segmentOf.push(-1); sentenceOf.push(sentence); }
        i = breaks[i];
        continue;
      }
      clauseOf.push(clause);
      segmentOf.push(segment);
      sentenceOf.push(sentence);
      i += 1;
    }
    var byKind = {};
    CUES.forEach(function (k) { byKind[k] = []; });
    var signStarts = {};
    var sites = [];
    matches.forEach(function (m) {
      m[2].forEach(function (what) {
        if (has(byKind, what[0])) byKind[what[0]].push([m[0], m[1]]);
        else if (what[0] === "sign") signStarts[m[0]] = 1;
        else if (what[0] === "site") sites.push([m[0], m[1], what[1]]);
      });
    });
    var ctx = {
      table: table, ws: ws, clauseOf: clauseOf, segmentOf: segmentOf, sentenceOf: sentenceOf,
      cues: byKind, sites: sites, signStarts: signStarts, joins: byKind.list_joins
    };
    var result = [], seen = {};
    matches.forEach(function (m) {
      m[2].forEach(function (what) {
        if (what[0] !== "sign") return;
        var affirmed = judge(ctx, table.signs[what[1]], what[1], m[0], m[1]);
        if (affirmed === null) return;
        var key = affirmed[0] + "\u0000" + JSON.stringify(affirmed[1]);
        if (has(seen, key)) return;
        seen[key] = 1;
        result.push({
          field: affirmed[0],
          value: affirmed[1],
          quote: quoteOf(text, tokens, clauseOf, m[0], m[1], table.quoteWords)
        });
      });
    });
    if (readCacheSize > 2000) { readCache = {}; readCacheSize = 0; }
    readCache[cacheKey] = result;
    readCacheSize += 1;
    return clone(result);
  }

  function clone(signs) {
    return signs.map(function (s) { return { field: s.field, value: s.value, quote: s.quote }; });
  }

  function judge(ctx, sign, number, start, end) {
    var table = ctx.table, ws = ctx.ws, clauseOf = ctx.clauseOf, segmentOf = ctx.segmentOf;
    var clause = clauseOf[start], segment = segmentOf[start];
    var k, c, s, e;
    function sameSegment(a, b) {
      for (var q = a; q < b; q++) if (segmentOf[q] !== segment) return false;
      return true;
    }
    var list;
    if (!sign.conditional_ok) {
      list = ctx.cues.hypothetical_before;
      for (c = 0; c < list.length; c++) {
        s = list[c][0]; e = list[c][1];
        if (e <= start && segmentOf[s] === segment && sameSegment(e, start)) return null;
      }
    }
    list = ctx.cues.other_person_before;
    for (c = 0; c < list.length; c++) {
      s = list[c][0]; e = list[c][1];
      if (e <= start && segmentOf[s] === segment && sameSegment(e, start)) return null;
    }
    list = ctx.cues.negation_before;
    for (c = 0; c < list.length; c++) {
      s = list[c][0]; e = list[c][1];
      if (e <= start && clauseOf[s] === clause &&
          negationReaches(e, start, ws, clauseOf, clause, ctx.signStarts, ctx.joins, table.negBeforeWindow)) {
        return null;
      }
    }
    var kinds = ["negation_after", "negation_after_final"];
    for (var n = 0; n < kinds.length; n++) {
      list = ctx.cues[kinds[n]];
      for (c = 0; c < list.length; c++) {
        s = list[c][0]; e = list[c][1];
        if (s < end || clauseOf[s] !== clause) continue;
        var comma = false;
        for (k = end; k < s; k++) if (ws[k] === ",") comma = true;
        if (comma || s - end > table.negAfterWindow) continue;
        var signBetween = false;
        for (k = end; k < s; k++) if (has(ctx.signStarts, k) || has(table.conjunctions, ws[k])) signBetween = true;
        if (signBetween) continue;
        if (kinds[n] === "negation_after_final" && e < ws.length && !has(PUNCT, ws[e])) continue;
        return null;
      }
    }
    var historical = false;
    list = ctx.cues.history_before;
    for (c = 0; c < list.length; c++) {
      s = list[c][0]; e = list[c][1];
      if (e <= start && segmentOf[s] === segment && sameSegment(e, start)) historical = true;
    }
    list = ctx.cues.history_after;
    for (c = 0; c < list.length; c++) {
      s = list[c][0];
      if (s >= end && segmentOf[s] === segment && sameSegment(end, s)) historical = true;
    }
    list = ctx.cues.history_near;
    for (c = 0; c < list.length; c++) {
      s = list[c][0]; e = list[c][1];
      if (e <= start && start - e <= table.historyNearWindow && sameSegment(s, start)) historical = true;
    }
    for (k = 0; k < ws.length; k++) if (YEAR.test(ws[k]) && segmentOf[k] === segment) historical = true;
    var field = sign.field, value = sign.value;
    if (historical) {
      if (sign.if_historical) { field = sign.if_historical.field; value = sign.if_historical.value; }
      else if (!(sign.history_ok || sign.history_only)) return null;
    } else if (sign.history_only) {
      return null;
    }
    var afters = table.unrelatedNext.concat(table.signUnrelated[number]);
    for (c = 0; c < afters.length; c++) {
      var after = afters[c], same = end + after.length <= ws.length;
      for (k = 0; same && k < after.length; k++) if (ws[end + k] !== after[k]) same = false;
      if (same) return null;
    }
    // Body part: the nearest one in the clause (else in the sentence: "calf not
    // swollen but it is red") must be one the sign allows.
    var allowed = sign.sites;
    if (allowed !== undefined && allowed !== null) {
      var nearest = nearestSite(ctx.sites, start, end, function (q) { return clauseOf[q] === clause; });
      if (nearest === null) {
        var sentence = ctx.sentenceOf[start];
        nearest = nearestSite(ctx.sites, start, end, function (q) { return ctx.sentenceOf[q] === sentence; });
      }
      if (nearest === null) {
        if (sign.needs_site) return null;
      } else if (allowed.indexOf(nearest) === -1) {
        return null;
      }
    }
    return [field, value];
  }

  function nearestSite(sites, start, end, within) {
    var nearest = null;
    sites.forEach(function (site) {
      var ss = site[0], se = site[1];
      if (!within(ss)) return;
      var distance = se <= start ? start - se : ss - end;
      if (distance < 0) return;
      var tie = ss >= end ? 0 : 1;  // a tie goes to the word after
      if (nearest === null || distance < nearest[0] || (distance === nearest[0] && tie < nearest[1])) {
        nearest = [distance, tie, site[2]];
      }
    });
    return nearest === null ? null : nearest[2];
  }

  function negationReaches(e, start, ws, clauseOf, clause, signStarts, joins, windowSize) {
    var count = 0;
    for (var k = e; k < start; k++) {
      var w = ws[k];
      if (clauseOf[k] !== clause) return false;
      if (has(SEGMENT_END, w)) {
        var continues = has(signStarts, k + 1) && joins.some(function (j) {
          return j[0] > k && clauseOf[j[0]] === clause;
        });
        if (!continues) return false;
        count = 0;
      } else if (has(signStarts, k)) {
        count = 0;
      } else if (!has(PUNCT, w)) {
        count += 1;
        if (count > windowSize) return false;
      }
    }
    return true;
  }

  function quoteOf(text, tokens, clauseOf, start, end, around) {
    var clause = clauseOf[start];
    var first = start;
    while (first > 0 && start - first < around && clauseOf[first - 1] === clause) first -= 1;
    var last = end - 1;
    while (last + 1 < tokens.length && last - end < around - 1 && clauseOf[last + 1] === clause) last += 1;
    while (first < last && has(PUNCT, tokens[first][0])) first += 1;
    while (last > first && has(PUNCT, tokens[last][0])) last -= 1;
    return text.slice(tokens[first][1], tokens[last][2]).trim();
  }

  // The form's answers with the note's signs where the person has not answered, as
  // the server merges them (webapp/insights/episode.py read_notes): an answer always
  // wins, a list field's note values join each other, and a field in
  // table.flag_unfilled (read by a red flag as "could be") is never filled by a note,
  // so a note can raise a flag and never clear one. Pure: returns a new object.
  function withSigns(answers, text, table) {
    var out = {};
    Object.keys(answers || {}).forEach(function (k) {
      out[k] = Array.isArray(answers[k]) ? answers[k].slice() : answers[k];
    });
    var lists = (table && table.list_fields) || [];
    var never = (table && table.flag_unfilled) || [];
    var fromNote = {};
    read(text, table).forEach(function (sign) {
      if (never.indexOf(sign.field) !== -1) return;
      var isList = lists.indexOf(sign.field) !== -1;
      if (out[sign.field] === undefined) {
        out[sign.field] = isList ? [sign.value] : sign.value;
        fromNote[sign.field] = 1;
      } else if (isList && has(fromNote, sign.field) && out[sign.field].indexOf(sign.value) === -1) {
        out[sign.field].push(sign.value);
      }
    });
    return out;
  }

  root.FossaNotes = {
    read: read, withSigns: withSigns, normalizeWord: normalizeWord, withinOneEdit: withinOneEdit
  };
})(typeof self !== "undefined" ? self : this);
