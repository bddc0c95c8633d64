// The dashboard's script: reads the admin API with the token from sessionStorage (never the URL), polls for
// new and changed cases (fetch every POLL_MS: EventSource cannot send the Authorization header), ticks the
// deadlines every second, and draws the map and charts with the ECharts served by the app itself.
(function () {
  'use strict';
  var TOKEN_KEY = 'dashboardToken';
  var params = new URLSearchParams(location.search);
  var POLL_MS = Math.max(1000, Number(params.get('poll')) || 5000);
  var OPEN = ['new', 'dispatched', 'accepted', 'returned'];
  var STATUS = { new: '新报', dispatched: '待接单', accepted: '处置中', resolved: '已办结', closed: '已结案', returned: '已退回', merged: '已合并' };
  var URGENCY = { critical: '红色紧急', high: '橙色较急', normal: '常规' };
  var ROLE = { lead: '主办', assist: '协办' };
  var EVENT = {
    reported: '居民上报', receipt_sent: '发送受理回执', dispatched: '派单', accepted: '接单', accept: '接单', returned: '退回', return: '退回',
    resolved: '办结', resolve: '办结', closed: '结案', auto_closed: '自动结案', reopened: '重新打开', rerouted: '改派', recategorised: '改类',
    joined_report: '邻居补充报告', repeat_report: '重复报告', place_given: '补充地点', progress: '进展', level_escalated: '上报升级',
    resident_notified: '通知居民', resident_followup: '居民追问', assists_idle: '协办未响应', scam_repost: '诈骗信息再现', scam_warning_sent: '发送防骗提醒',
    escalated: '升级', overdue: '超时', arrived: '到场', classified: '分类', accept_reminder: '接单提醒', accept_leader: '提醒岗位负责人',
    accept_command: '上报指挥中心', assist_accepted: '协办接单', assist_resolved: '协办完成', assist_returned: '协办退回', resolve_warning: '办结时限预警', resolve_overdue: '办结超时',
  };
  var labels = { posts: {}, categories: {}, units: {}, grids: [] };
  var cases = [];
  var seen = null; // ids already shown, to mark new rows
  var firstSeen = {}; // id → when it first arrived after the page loaded: marked new for NEW_MS
  var NEW_MS = 30000;
  var clockOffset = 0; // server time − browser time, from /api/stats asOf
  var geo = null;
  var charts = {};
  var pollTimer = null;
  var ratingsAvailable = false;
  var alarmsAvailable = null; // null: not asked yet; false: GET /api/alarms/sources answered 404 (no ALARM_SECRETS)
  var alarmSources = [];
  var SILENT_MS = 3600000; // a source silent for over an hour is shown in red
  /** The five-star formula's parts (handlers/ratings/fiveStar.ts RATING_PARTS), in its order. */
  var RATING_PART = { onTimeAccept: '准时接单', onTimeResolve: '准时办结', reopen: '未重开', satisfaction: '居民满意', dailyTasks: '日常任务' };
  var $ = function (id) { return document.getElementById(id); };

  // ---- access ----
  function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
  function api(path) {
    var headers = { accept: 'application/json' };
    if (token()) headers.authorization = 'Bearer ' + token();
    return fetch(path, { headers: headers }).then(function (res) {
      if (res.status === 401) { var e = new Error('unauthorised'); e.status = 401; throw e; }
      if (!res.ok) { var f = new Error('HTTP ' + res.status); f.status = res.status; throw f; }
      return res.json();
    });
  }
  function showLogin(message) {
    clearInterval(pollTimer);
    $('main').hidden = true; $('logout').hidden = true; $('login').hidden = false;
    $('login-error').hidden = !message; $('login-error').textContent = message || '';
    $('token').focus();
  }
  $('login-form').addEventListener('submit', function (event) {
    event.preventDefault(); // the token goes to sessionStorage, never into the URL
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    start();
  });
  $('logout').addEventListener('click', function () { sessionStorage.removeItem(TOKEN_KEY); showLogin(); });

  // ---- names ----
  var postName = function (code) { return labels.posts[code] || '未知岗位'; };
  var categoryName = function (code) { return labels.categories[code] || '其他'; };
  var unitName = function (code) { return (code && labels.units[code]) || '未分网格'; };
  function actorName(actor) {
    if (!actor || actor === 'bot' || actor === 'system') return '系统';
    return actor.replace(/^resident\s+/, '居民 ').replace(/^dispatcher\s+/, '调度 ');
  }

  // ---- time ----
  function now() { return Date.now() + clockOffset; }
  function span(ms) {
    var s = Math.floor(Math.abs(ms) / 1000), d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var pad = function (n) { return String(n).padStart(2, '0'); };
    return (d ? d + '天' : '') + (d || h ? h + '时' : '') + pad(m) + '分' + pad(sec) + '秒';
  }
  /** The deadline that matters now: accepting until accepted, then resolving. */
  function deadline(c) {
    var accepting = !c.acceptedAt && c.status !== 'accepted';
    return { at: Date.parse(accepting ? c.acceptBy : c.resolveBy), what: accepting ? '接单' : '办结' };
  }
  function countdown(c) {
    var d = deadline(c), left = d.at - now();
    return left >= 0 ? { text: d.what + '剩 ' + span(left), cls: 'left' } : { text: d.what + '超 ' + span(left), cls: 'over' };
  }
  function fmtTime(iso) {
    return new Date(iso).toLocaleString('zh-CN', { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  }
  /** How long ago, in words: 刚刚, 3 分钟前, 2 小时前, 5 天前. */
  function ago(iso) {
    var ms = now() - Date.parse(iso);
    if (!(ms >= 60000)) return '刚刚';
    if (ms < 3600000) return Math.floor(ms / 60000) + ' 分钟前';
    if (ms < 86400000) return Math.floor(ms / 3600000) + ' 小时前';
    return Math.floor(ms / 86400000) + ' 天前';
  }
  function localDay(iso, timeZone) {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
  }
  function tick() {
    $('clock').textContent = new Date(now()).toLocaleString('zh-CN', { hour12: false });
    if (alarmsAvailable) renderAlarmTimes();
    document.querySelectorAll('.case-row').forEach(function (row) {
      var c = cases.find(function (x) { return x.id === row.dataset.id; });
      if (!c) return;
      var t = countdown(c), cell = row.querySelector('.time');
      cell.textContent = t.text; cell.className = 'time ' + t.cls;
    });
  }

  // ---- filters ----
  function fillSelect(id, first, entries) {
    var select = $(id), kept = select.value;
    select.innerHTML = '';
    [[first[0], first[1]]].concat(entries).forEach(function (e) { var o = document.createElement('option'); o.value = e[0]; o.textContent = e[1]; select.appendChild(o); });
    select.value = kept;
    if (select.value !== kept) select.value = '';
  }
  function fillFilters() {
    fillSelect('f-status', ['', '全部未结'], OPEN.map(function (s) { return [s, STATUS[s]]; }));
    fillSelect('f-urgency', ['', '全部'], Object.keys(URGENCY).map(function (u) { return [u, URGENCY[u]]; }));
    fillSelect('f-post', ['', '全部岗位'], Object.keys(labels.posts).map(function (p) { return [p, labels.posts[p]]; }));
    fillSelect('f-grid', ['', '全部网格'], labels.grids.map(function (g) { return [g.code, g.name]; }));
    fillSelect('f-category', ['', '全部类别'], Object.keys(labels.categories).map(function (c) { return [c, labels.categories[c]]; }));
  }
  ['f-status', 'f-urgency', 'f-post', 'f-grid', 'f-category', 'f-overdue'].forEach(function (id) {
    $(id).addEventListener('change', function () { refresh(); });
  });
  function boardQuery() {
    var q = new URLSearchParams({ limit: '500' });
    [['status', 'f-status'], ['urgency', 'f-urgency'], ['post', 'f-post'], ['grid', 'f-grid'], ['category', 'f-category'], ['overdue', 'f-overdue']].forEach(function (p) {
      if ($(p[1]).value) q.set(p[0], $(p[1]).value);
    });
    return q.toString();
  }

  // ---- board ----
  function renderBoard(items) {
    var rows = $('rows');
    rows.innerHTML = '';
    items.forEach(function (c) {
      var row = document.createElement('div');
      if (seen && !seen.has(c.id)) firstSeen[c.id] = Date.now();
      row.className = 'case-row urgency-' + c.urgency + (Date.now() - (firstSeen[c.id] || 0) < NEW_MS ? ' new-row' : '');
      row.setAttribute('role', 'row');
      row.dataset.id = c.id; row.dataset.number = c.number;
      var t = countdown(c);
      var cells = [
        ['num', c.number], ['cat', categoryName(c.category)], ['place', c.place || unitName(c.grid)], ['post', postName(c.leadPost)],
        ['time ' + t.cls, t.text], ['rep', (c.reporterName || '居民') + (c.reportCount > 1 ? ' 等' + c.reportCount + '人' : '')], ['st', STATUS[c.status] || ''],
      ];
      cells.forEach(function (cell) { var s = document.createElement('span'); s.className = cell[0]; s.textContent = cell[1]; row.appendChild(s); });
      row.title = URGENCY[c.urgency] + ' · ' + (c.text || '');
      row.addEventListener('click', function () { openDetail(c.id); });
      rows.appendChild(row);
    });
    seen = new Set((seen ? Array.from(seen) : []).concat(items.map(function (c) { return c.id; })));
    $('board-count').textContent = items.length + ' 件';
    $('board-empty').hidden = items.length > 0;
  }

  // ---- detail (the timeline) ----
  function openDetail(id) {
    api('/api/incidents/' + encodeURIComponent(id)).then(function (d) {
      var body = $('detail-body');
      body.innerHTML = '';
      var h = document.createElement('h3'); h.textContent = d.number + ' · ' + categoryName(d.category); body.appendChild(h);
      var dl = document.createElement('dl');
      var facts = [
        ['状态', STATUS[d.status]], ['紧急程度', URGENCY[d.urgency]], ['地点', d.place || '未说明'], ['网格', unitName(d.grid)],
        ['主办岗位', postName(d.leadPost)], ['协办岗位', d.assistPosts.map(postName).join('、') || '无'],
        ['报告人', d.reporters.map(function (r) { return r.name || '居民'; }).join('、')], ['上报时间', fmtTime(d.createdAt)],
        ['时限', countdown(d).text], ['居民原话', d.text],
      ];
      facts.forEach(function (f) { var dt = document.createElement('dt'); dt.textContent = f[0]; var dd = document.createElement('dd'); dd.textContent = f[1] || ''; dl.append(dt, dd); });
      body.appendChild(dl);
      var h4 = document.createElement('h3'); h4.textContent = '办理过程'; body.appendChild(h4);
      var ol = document.createElement('ol');
      d.timeline.forEach(function (t) {
        var li = document.createElement('li');
        var time = document.createElement('time'); time.textContent = fmtTime(t.at);
        var what = document.createElement('b'); what.textContent = EVENT[t.type] || '记录';
        li.append(time, what, document.createTextNode(' · ' + actorName(t.actor)));
        if (t.note) { var n = document.createElement('span'); n.className = 'note'; n.textContent = t.note; li.appendChild(n); }
        ol.appendChild(li);
      });
      body.appendChild(ol);
      $('detail').hidden = false;
    }).catch(handleError);
  }
  $('detail-close').addEventListener('click', function () { $('detail').hidden = true; });
  $('detail').addEventListener('click', function (e) { if (e.target === $('detail')) $('detail').hidden = true; });

  // ---- map: the grids as GeoJSON shapes, no tile server ----
  function centroid(feature) {
    var ring = feature.geometry.coordinates[0].slice(0, -1), x = 0, y = 0;
    ring.forEach(function (p) { x += p[0]; y += p[1]; });
    return [x / ring.length, y / ring.length];
  }
  function hash(text) { var h = 0; for (var i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0; return h; }
  function renderMap(open) {
    if (!geo) return;
    var byGrid = {};
    open.forEach(function (c) { var g = byGrid[c.grid] || (byGrid[c.grid] = { open: 0, overdue: 0 }); g.open += 1; if (c.overdue) g.overdue += 1; });
    var regions = geo.features.map(function (f) {
      var code = f.properties.orgUnit, g = byGrid[code] || { open: 0, overdue: 0 };
      return { name: code, value: g.open, overdue: g.overdue, itemStyle: { areaColor: g.overdue ? '#d64545' : g.open ? '#d9922b' : '#2e7d5b' } };
    });
    var centres = {};
    geo.features.forEach(function (f) { centres[f.properties.orgUnit] = centroid(f); });
    // A case's location is its grid (the gazetteer places it there): spread inside the grid, stable per case.
    var markers = open.filter(function (c) { return c.placeKey && centres[c.grid]; }).map(function (c) {
      var h = hash(c.id), centre = centres[c.grid];
      return { name: c.number, value: [centre[0] + ((Math.abs(h) % 100) / 100 - 0.5) * 0.0012, centre[1] + ((Math.abs(h >> 8) % 100) / 100 - 0.5) * 0.0008], place: c.place, category: c.category, overdue: c.overdue };
    });
    var option = {
      tooltip: { trigger: 'item', formatter: function (p) {
        if (p.seriesType === 'scatter') return p.name + '<br>' + categoryName(p.data.category) + ' · ' + (p.data.place || '');
        var d = p.data || { value: 0, overdue: 0 };
        return unitName(p.name) + '<br>未结 ' + (d.value || 0) + ' 件，超时 ' + (d.overdue || 0) + ' 件';
      } },
      geo: { map: 'street', roam: true, nameProperty: 'orgUnit', layoutCenter: ['50%', '50%'], layoutSize: '95%',
        label: { show: true, color: '#fff', fontSize: 12, formatter: function (p) { var r = regions.find(function (x) { return x.name === p.name; }); return unitName(p.name) + '\n未结' + (r ? r.value : 0) + ' 超时' + (r ? r.overdue : 0); } },
        itemStyle: { borderColor: '#0b1a2e', borderWidth: 2 }, emphasis: { itemStyle: { areaColor: '#3b6ea8' }, label: { color: '#fff' } },
        regions: regions },
      series: [
        { type: 'map', geoIndex: 0, map: 'street', nameProperty: 'orgUnit', name: '网格', data: regions },
        { type: 'scatter', coordinateSystem: 'geo', name: '案件', data: markers, symbolSize: 10, itemStyle: { color: function (p) { return p.data.overdue ? '#ff5252' : '#7fd3ff'; }, borderColor: '#fff', borderWidth: 1 } },
      ],
    };
    charts.map.setOption(option, true);
    $('map').dataset.regions = String(regions.length);
    $('map').dataset.markers = String(markers.length);
  }

  // ---- charts ----
  var axisStyle = { axisLabel: { color: '#9fb3c8' }, axisLine: { lineStyle: { color: '#2a4a75' } }, splitLine: { lineStyle: { color: '#1b3556' } } };
  var pct = function (r) { return r && r.rate !== null ? Math.round(r.rate * 1000) / 10 : null; };
  function renderCharts(stats, recent) {
    // Cases per local day by category, over the stats period.
    var days = [], from = Date.parse(stats.from), to = Date.parse(stats.to);
    for (var t = from; t < to; t += 86400000) { var d = localDay(new Date(t + 3600000).toISOString(), stats.timeZone); if (days.indexOf(d) < 0) days.push(d); }
    var inPeriod = recent.filter(function (c) { var at = Date.parse(c.createdAt); return at >= from && at < to && c.status !== 'merged'; });
    var cats = Array.from(new Set(inPeriod.map(function (c) { return c.category; })));
    charts.daily.setOption({
      tooltip: { trigger: 'axis' }, legend: { top: 0, textStyle: { color: '#9fb3c8' }, type: 'scroll' }, grid: { left: 36, right: 12, top: 30, bottom: 24 },
      xAxis: Object.assign({ type: 'category', data: days.map(function (d) { return d.slice(5).replace('-', '月') + '日'; }) }, axisStyle),
      yAxis: Object.assign({ type: 'value', minInterval: 1 }, axisStyle),
      series: cats.map(function (cat) {
        return { type: 'bar', stack: 'day', name: categoryName(cat), data: days.map(function (d) { return inPeriod.filter(function (c) { return c.category === cat && localDay(c.createdAt, stats.timeZone) === d; }).length; }) };
      }),
    }, true);
    charts.posts.setOption({
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return v === null ? '未到期' : v + '%'; } }, legend: { top: 0, textStyle: { color: '#9fb3c8' } },
      grid: { left: 40, right: 12, top: 30, bottom: 46 },
      xAxis: Object.assign({ type: 'category', data: stats.byPost.map(function (p) { return postName(p.post); }) }, axisStyle, { axisLabel: { color: '#9fb3c8', interval: 0, rotate: 30 } }),
      yAxis: Object.assign({ type: 'value', max: 100, axisLabel: { color: '#9fb3c8', formatter: '{value}%' } }, { axisLine: axisStyle.axisLine, splitLine: axisStyle.splitLine }),
      series: [
        { type: 'bar', name: '准时接单率', data: stats.byPost.map(function (p) { return pct(p.onTimeAccept); }), itemStyle: { color: '#4fc3f7' } },
        { type: 'bar', name: '准时办结率', data: stats.byPost.map(function (p) { return pct(p.onTimeResolve); }), itemStyle: { color: '#81c784' } },
      ],
    }, true);
    var decided = stats.byPost.some(function (p) { return p.onTimeAccept.of || p.onTimeResolve.of; });
    charts.posts.setOption({ title: { show: !decided, text: '暂无已到期的案件', left: 'center', top: 'middle', textStyle: { color: '#9fb3c8', fontSize: 14, fontWeight: 'normal' } } });
    var closure = stats.overall.closedWithin24h;
    charts.closure.setOption({
      series: [{ type: 'gauge', min: 0, max: 100, radius: '95%', center: ['50%', '60%'], startAngle: 200, endAngle: -20, progress: { show: true, width: 14 },
        axisLine: { lineStyle: { width: 14, color: [[1, '#1b3556']] } }, axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false }, pointer: { show: false },
        title: { show: true, offsetCenter: [0, '40%'], color: '#9fb3c8', fontSize: 13 },
        detail: { valueAnimation: true, offsetCenter: [0, '0%'], color: '#ffd166', fontSize: 30, formatter: function (v) { return closure.rate === null ? '暂无' : v + '%'; } },
        data: [{ value: pct(closure) || 0, name: closure.of ? '已满24小时 ' + closure.of + ' 件，按时结案 ' + closure.met + ' 件' : '尚无满24小时的案件' }] }],
    }, true);
    // 一类事: the same category at the same place, most frequent first.
    var counts = {};
    inPeriod.forEach(function (c) { var key = categoryName(c.category) + ' · ' + (c.place || unitName(c.grid)); counts[key] = (counts[key] || 0) + c.reportCount; });
    var top = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; }).slice(0, 8).reverse();
    // Each bar carries its own label (category · place, then the count), so long places are never clipped.
    charts.hotspots.setOption({
      tooltip: { trigger: 'axis' }, grid: { left: 8, right: 16, top: 6, bottom: 20 },
      xAxis: Object.assign({ type: 'value', minInterval: 1 }, axisStyle),
      yAxis: { type: 'category', data: top, axisLabel: { show: false }, axisTick: { show: false }, axisLine: axisStyle.axisLine },
      series: [{ type: 'bar', name: '报告次数', data: top.map(function (k) { return counts[k]; }), barMaxWidth: 26, itemStyle: { color: '#c9822f' },
        label: { show: true, position: 'insideLeft', color: '#fff', formatter: function (p) { return p.name + '  ×' + p.value; } } }],
    }, true);
  }

  // ---- posts and grids ----
  function rateCell(r) { var v = pct(r); return v === null ? '—' : v + '%'; }
  /** GET /api/ratings answers { formula: { stars: { max } }, posts: [{ code, stars }], grids: [{ code, stars }] }. */
  function stars(ratings, rating) {
    if (!rating || rating.stars === null || rating.stars === undefined) return '—';
    var max = (ratings.formula && ratings.formula.stars && ratings.formula.stars.max) || 5;
    var n = Math.round((rating.stars / max) * 5);
    return '★★★★★'.slice(0, n) + '☆☆☆☆☆'.slice(0, 5 - n) + ' ' + rating.stars;
  }
  function findRating(ratings, kind, code) {
    var list = ratings && Array.isArray(ratings[kind]) ? ratings[kind] : [];
    return list.find(function (r) { return r.code === code; }) || null;
  }
  function renderUnits(stats, open, ratings) {
    var overdueBy = function (key, code) { return open.filter(function (c) { return c[key] === code && c.overdue; }).length; };
    var openBy = function (key, code) { return open.filter(function (c) { return c[key] === code; }).length; };
    function table(id, kind, title, rows) {
      var head = ['<tr><th>' + title + '</th><th>准时接单</th><th>准时办结</th><th class="c24">24小时结案</th><th>未结</th><th>超时</th>' + (ratingsAvailable ? '<th class="rating">星级</th>' : '') + '</tr>'];
      $(id).querySelector('thead').innerHTML = head.join('');
      var body = $(id).querySelector('tbody');
      body.innerHTML = '';
      rows.forEach(function (r) {
        var tr = document.createElement('tr');
        var cells = [r.name, rateCell(r.figures.onTimeAccept), rateCell(r.figures.onTimeResolve), rateCell(r.figures.closedWithin24h), String(r.open), String(r.overdue)];
        if (ratingsAvailable) cells.push(stars(ratings, findRating(ratings, kind, r.code)));
        cells.forEach(function (text, i) { var td = document.createElement('td'); td.textContent = text; if (i === 5 && r.overdue) td.className = 'bad'; if (i === 6) td.className = 'stars rating'; if (i === 3) td.className = 'c24'; tr.appendChild(td); });
        body.appendChild(tr);
      });
    }
    var postCodes = Array.from(new Set(stats.byPost.map(function (p) { return p.post; }).concat(open.map(function (c) { return c.leadPost; }))));
    table('posts-table', 'posts', '岗位', postCodes.map(function (code) {
      var s = stats.byPost.find(function (p) { return p.post === code; }) || {};
      return { code: code, name: postName(code), figures: s, open: openBy('leadPost', code), overdue: overdueBy('leadPost', code) };
    }));
    table('grids-table', 'grids', '网格', labels.grids.map(function (g) {
      var s = stats.byGrid.find(function (x) { return x.grid === g.code; }) || {};
      return { code: g.code, name: g.name, figures: s, open: openBy('grid', g.code), overdue: overdueBy('grid', g.code) };
    }));
  }

  // ---- the five-star formula and the workers ----
  function percent(weight) { return Math.round(weight * 1000) / 10 + '%'; }
  function renderRatings(ratings) {
    var formula = ratingsAvailable && ratings && ratings.formula;
    $('formula').hidden = !formula;
    $('workers-table').hidden = !formula;
    if (!formula) return;
    var list = $('formula-parts'), weights = formula.weights || {};
    list.innerHTML = '';
    Object.keys(RATING_PART).forEach(function (part) {
      if (!(part in weights)) return;
      var li = document.createElement('li');
      li.dataset.part = part;
      var name = document.createElement('span'); name.textContent = RATING_PART[part];
      var weight = document.createElement('b'); weight.textContent = percent(weights[part]);
      li.append(name, weight);
      // No data for the period: the part is left out and the others renormalised (fiveStar.ts).
      var measured = ['posts', 'grids', 'workers'].some(function (kind) {
        return (ratings[kind] || []).some(function (r) { return r.parts && r.parts[part] !== null && r.parts[part] !== undefined; });
      });
      if (!measured || !weights[part]) { li.className = 'unmeasured'; li.title = '本期无数据，暂不计入'; }
      list.appendChild(li);
    });
    $('formula-stars').textContent = '满分 ' + ((formula.stars && formula.stars.max) || 5) + ' 星';
    var body = $('workers-table').querySelector('tbody');
    body.innerHTML = '';
    (ratings.workers || []).forEach(function (w) {
      var tr = document.createElement('tr');
      [w.name || '未知', postName(w.post), String(w.count), stars(ratings, w)].forEach(function (text, i) {
        var td = document.createElement('td'); td.textContent = text; if (i === 3) td.className = 'stars rating'; tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    if (!(ratings.workers || []).length) {
      var tr = document.createElement('tr'), td = document.createElement('td');
      td.colSpan = 4; td.className = 'empty-cell'; td.textContent = '本期尚无接单人';
      tr.appendChild(td); body.appendChild(tr);
    }
  }

  // ---- alarm sources (智能预警设备) ----
  /** GET /api/alarms/sources: [{ source, lastContactAt, alarms, openIncidents }]; 404 when no ALARM_SECRETS. */
  function fetchAlarmSources() {
    if (alarmsAvailable === false) return Promise.resolve(null);
    return api('/api/alarms/sources').then(function (list) { alarmsAvailable = true; return list; }, function (error) {
      if (error && error.status === 404) alarmsAvailable = false;
      if (error && error.status === 401) throw error;
      return null; // another failure: keep what is shown
    });
  }
  function renderAlarms(list) {
    if (list) alarmSources = list;
    var shown = alarmsAvailable === true && alarmSources.length > 0;
    $('alarms-panel').hidden = !shown;
    $('main').classList.toggle('with-alarms', shown);
    if (!shown || !list) return;
    var body = $('alarms-table').querySelector('tbody');
    body.innerHTML = '';
    alarmSources.forEach(function (s) {
      var tr = document.createElement('tr');
      tr.dataset.source = s.source;
      var cells = [s.source, '', String(s.alarms), String(s.openIncidents)];
      cells.forEach(function (text, i) {
        var td = document.createElement('td'); td.textContent = text;
        if (i === 0) td.className = 'source';
        if (i === 1) td.className = 'contact';
        if (i === 3 && s.openIncidents > 0) td.className = 'warn';
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    var silent = alarmSources.filter(silentSource).length;
    $('alarms-count').textContent = alarmSources.length + ' 个平台' + (silent ? '，' + silent + ' 个失联' : '');
    renderAlarmTimes();
  }
  function silentSource(s) { return !s.lastContactAt || now() - Date.parse(s.lastContactAt) > SILENT_MS; }
  function renderAlarmTimes() {
    document.querySelectorAll('#alarms-table tbody tr').forEach(function (tr) {
      var s = alarmSources.find(function (x) { return x.source === tr.dataset.source; });
      if (!s) return;
      var cell = tr.querySelector('.contact');
      cell.textContent = s.lastContactAt ? ago(s.lastContactAt) : '从未联系';
      cell.title = s.lastContactAt ? fmtTime(s.lastContactAt) : '';
      cell.className = 'contact' + (silentSource(s) ? ' silent' : '');
    });
  }

  // ---- refresh ----
  var refreshing = null;
  function refresh() {
    if (refreshing) return refreshing;
    refreshing = Promise.all([
      api('/api/incidents?' + boardQuery()),
      api('/api/incidents?limit=500'),
      api('/api/stats'),
      ratingsAvailable !== false || !refresh.triedRatings ? fetchRatings() : Promise.resolve(null),
      fetchAlarmSources(),
    ]).then(function (r) {
      var board = r[0].items, all = r[1].items, stats = r[2];
      clockOffset = Date.parse(stats.asOf) - Date.now();
      var open = all.filter(function (c) { return OPEN.indexOf(c.status) >= 0; });
      cases = board.filter(function (c) { return OPEN.indexOf(c.status) >= 0; });
      renderBoard(cases);
      renderMap(open);
      renderCharts(stats, all);
      renderUnits(stats, open, r[3]);
      renderRatings(r[3]);
      renderAlarms(r[4]);
      $('updated').textContent = '已更新 ' + new Date().toLocaleTimeString('zh-CN', { hour12: false }) + '（每' + Math.round(POLL_MS / 1000) + '秒刷新）';
      $('updated').className = 'fresh';
    }).catch(handleError).then(function () { refreshing = null; });
    return refreshing;
  }
  /** The star rating is someone else's: shown when GET /api/ratings answers, hidden otherwise. */
  function fetchRatings() {
    refresh.triedRatings = true;
    return api('/api/ratings').then(function (body) { ratingsAvailable = true; return body; }, function () { ratingsAvailable = false; return null; });
  }
  function handleError(error) {
    if (error && error.status === 401) { showLogin(token() ? '令牌不正确，请重新输入' : ''); return; }
    $('updated').textContent = '刷新失败，稍后重试';
    $('updated').className = 'failed';
  }

  function start() {
    api('/api/dashboard/labels').then(function (l) {
      l.posts.forEach(function (p) { labels.posts[p.code] = p.name; });
      l.categories.forEach(function (c) { labels.categories[c.code] = c.name; });
      l.orgUnits.forEach(function (u) { labels.units[u.code] = u.name; });
      labels.grids = l.orgUnits.filter(function (u) { return u.kind === 'grid'; });
      var street = l.orgUnits.find(function (u) { return u.kind === 'street'; });
      if (street) $('street').textContent = street.name + ' · 基层治理指挥中心';
      $('login').hidden = true; $('main').hidden = false; $('logout').hidden = !token();
      fillFilters();
      ['map', 'daily', 'posts', 'closure', 'hotspots'].forEach(function (name) {
        if (!charts[name]) charts[name] = echarts.init($(name === 'map' ? 'map' : 'chart-' + name), null, { renderer: 'canvas' });
      });
      return geo ? null : fetch('/dashboard/assets/street-map.geojson').then(function (res) { return res.json(); }).then(function (g) { geo = g; echarts.registerMap('street', g); });
    }).then(function () {
      return refresh();
    }).then(function () {
      clearInterval(pollTimer);
      pollTimer = setInterval(refresh, POLL_MS);
    }).catch(handleError);
  }
  window.addEventListener('resize', function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  setInterval(tick, 1000);
  // For tests and the curious: the charts and their options.
  window.dashboard = { charts: charts, pollMs: POLL_MS };
  tick();
  start();
})();
