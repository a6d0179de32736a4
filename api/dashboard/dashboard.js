/* The director's dashboard (/dashboard): signs in with an API token kept in this tab's
 * sessionStorage, reads GET /v1/reports/dashboard with Authorization: Bearer, and draws the KPI
 * cards, the ECharts charts and the list of cases at risk. No token ever goes into a URL; the
 * filters do (they are not secret), so a view can be shared as a link. Text is set with
 * textContent only: nothing from the API is ever parsed as HTML. */
(function () {
  'use strict';

  var TOKEN_KEY = 'dashboard.token';
  var FILTERS = ['from', 'to', 'carrier', 'region', 'type', 'team'];

  var TYPE_NAMES = {
    DELAYED: '延误',
    LOST: '丢件',
    DAMAGED: '破损',
    WRONG_ITEM: '错发',
    MISSING_ITEM: '漏发',
    ADDRESS_CHANGE: '改地址',
    INTERCEPT: '拦截',
    REFUSED: '拒收',
    RETURN_EXCHANGE: '退换货',
  };
  var CARRIER_NAMES = { JD: '京东物流', SF: '顺丰速运', HUOLALA: '货拉拉', SHENGSHENG: '省省回头车', OTHER: '其他承运商' };
  var TEAM_NAMES = { tier1: '一线客服 (tier 1)', tier2: '主管组 (tier 2)', tier3: '专家组 (tier 3)' };
  var CLOCK_NAMES = {
    firstResponse: '首次响应 (first response)',
    handling: '异常处理 (handling)',
    resolution: '解决 (resolution)',
    payout: '赔付 (payout)',
    callback: '回访 (callback)',
    returnReceipt: '退货签收 (return receipt)',
  };
  var STATUS_NAMES = {
    OPEN: '待处理',
    IN_PROGRESS: '处理中',
    WAITING_CARRIER: '等待承运商',
    WAITING_CUSTOMER: '等待客户',
    WAITING_SUPPLIER: '等待供应商',
    WAITING_WAREHOUSE: '等待仓库',
    WAITING_RETURN: '等待退货',
    VERIFYING_LOSS: '核实丢失',
    CLAIM_REVIEW: '理赔审核',
    CLAIM_PAYOUT: '理赔付款',
  };
  var KPI_LABELS = {
    cases: ['新建案件', 'Cases opened'],
    firstResponseP50Ms: ['首次响应时长 p50', 'First response'],
    handlingP50Ms: ['异常处理时长 p50', 'Handling'],
    resolutionP50Ms: ['解决时长 p50', 'Resolution'],
    slaAttainment: ['SLA 达标率', 'SLA attainment'],
    resolutionRate: ['解决率', 'Resolution rate'],
    csat: ['满意度', 'CSAT'],
    complaintRate: ['投诉率', 'Complaint rate'],
    damageRate: ['破损率', 'Damage rate'],
    exceptionRate: ['异常率', 'Exception rate'],
    trackingFreshness: ['轨迹更新及时率', 'Tracking freshness'],
  };
  var TYPE_COLORS = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc'];

  var $ = function (id) {
    return document.getElementById(id);
  };
  var charts = {};

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function showMessage(text) {
    var box = $('message');
    box.textContent = text;
    box.hidden = !text;
  }

  // ---------------------------------------------------------------------------------------------
  // Formatting

  function duration(ms) {
    var minutes = ms / 60000;
    if (Math.abs(minutes) < 1) return (ms / 1000).toFixed(0) + ' 秒';
    if (Math.abs(minutes) < 120) return minutes.toFixed(minutes < 10 ? 1 : 0) + ' 分钟';
    return (minutes / 60).toFixed(1) + ' 小时';
  }

  function formatValue(kpi, value) {
    if (value === null || value === undefined) return '—';
    if (kpi.unit === 'ms') return duration(value);
    if (kpi.unit === 'count') return String(value);
    if (kpi.key === 'damageRate') return (value * 1000).toFixed(2) + '‰';
    return (value * 100).toFixed(1) + '%';
  }

  function formatChange(kpi) {
    if (kpi.change === null) return kpi.previous === null ? '上期无数据' : '本期无数据';
    if (kpi.change === 0) return '与上期持平';
    var arrow = kpi.change > 0 ? '↑ ' : '↓ ';
    var size = Math.abs(kpi.change);
    var amount;
    if (kpi.unit === 'ms') amount = duration(size);
    else if (kpi.unit === 'count') amount = String(size);
    else if (kpi.key === 'damageRate') amount = (size * 1000).toFixed(2) + '‰';
    else amount = (size * 100).toFixed(1) + ' 个百分点';
    return '较上期 ' + arrow + amount;
  }

  function pct(value) {
    return value === null || value === undefined ? null : Math.round(value * 1000) / 10;
  }

  // ---------------------------------------------------------------------------------------------
  // Filters: in the form and in the page's URL (never the token)

  function todayMinus(days) {
    var d = new Date(Date.now() - days * 86400000);
    var local = new Date(d.getTime() - d.getTimezoneOffset() * 60000);
    return local.toISOString().slice(0, 10);
  }

  function fillSelect(id, values, names, allLabel) {
    var select = $(id);
    var current = select.value || select.getAttribute('data-wanted') || '';
    while (select.firstChild) select.removeChild(select.firstChild);
    var all = el('option', allLabel);
    all.value = '';
    select.appendChild(all);
    var list = values.slice();
    if (current && list.indexOf(current) < 0) list.push(current);
    list.forEach(function (value) {
      var option = el('option', names && names[value] ? names[value] + ' ' + value : value);
      option.value = value;
      select.appendChild(option);
    });
    select.value = current;
    select.removeAttribute('data-wanted');
  }

  function readFiltersFromUrl() {
    var params = new URLSearchParams(window.location.search);
    $('from').value = params.get('from') || todayMinus(6);
    $('to').value = params.get('to') || todayMinus(0);
    ['carrier', 'region', 'type', 'team'].forEach(function (name) {
      var value = params.get(name);
      if (value) $(name).setAttribute('data-wanted', value);
    });
  }

  function currentQuery() {
    var params = new URLSearchParams();
    FILTERS.forEach(function (name) {
      var node = $(name);
      var value = node.value || node.getAttribute('data-wanted') || '';
      if (value) params.set(name, value);
    });
    return params;
  }

  // ---------------------------------------------------------------------------------------------
  // Data

  function token() {
    return window.sessionStorage.getItem(TOKEN_KEY);
  }

  function signedIn(isIn) {
    $('sign-in').hidden = isIn;
    $('who').hidden = !isIn;
    if (!isIn) $('board').hidden = true;
  }

  function refuse(status, body) {
    window.sessionStorage.removeItem(TOKEN_KEY);
    signedIn(false);
    if (status === 401) showMessage('令牌无效或已失效，请重新登录。(401 Unauthorized)');
    else if (status === 403) showMessage('您的角色无权查看看板：仅主管、专家和审计员可以查看。(403 Forbidden) ' + (body && body.detail ? body.detail : ''));
    else showMessage('加载失败（' + status + '）' + (body && body.detail ? '：' + body.detail : ''));
  }

  function load() {
    var query = currentQuery();
    window.history.replaceState(null, '', '/dashboard?' + query.toString());
    showMessage('');
    return fetch('/v1/reports/dashboard?' + query.toString(), {
      headers: { Authorization: 'Bearer ' + token(), Accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
    })
      .then(function (response) {
        return response.json().then(
          function (body) {
            return { status: response.status, body: body };
          },
          function () {
            return { status: response.status, body: null };
          },
        );
      })
      .then(function (answer) {
        if (answer.status !== 200) {
          if (answer.status === 400) {
            showMessage('查询条件有误：' + (answer.body && answer.body.errors ? answer.body.errors.map((e) => e.message).join('；') : ''));
            return;
          }
          refuse(answer.status, answer.body);
          return;
        }
        signedIn(true);
        $('board').hidden = false;
        render(answer.body);
        document.body.setAttribute('data-loaded', String(Date.now()));
      })
      .catch(function (error) {
        showMessage('无法连接服务器：' + error.message);
      });
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering

  function render(data) {
    fillSelect('carrier', data.options.carriers, CARRIER_NAMES, '全部承运商');
    fillSelect('region', data.options.regions, null, '全部区域');
    fillSelect('type', data.options.types, TYPE_NAMES, '全部类型');
    fillSelect('team', data.options.teams, TEAM_NAMES, '全部团队');
    $('period').textContent =
      '统计区间 ' + data.from + ' 至 ' + data.to + '（UTC' + data.timeZone + '，按开案日期），对比上期 ' + data.previous.from + ' 至 ' + data.previous.to;
    renderKpis(data.kpis);
    renderCharts(data.daily);
    renderAtRisk(data.atRisk);
  }

  function renderKpis(kpis) {
    var box = $('kpis');
    while (box.firstChild) box.removeChild(box.firstChild);
    kpis.forEach(function (kpi) {
      var label = KPI_LABELS[kpi.key] || [kpi.key, ''];
      var card = el('div', null, 'kpi' + (kpi.met === true ? ' met' : kpi.met === false ? ' missed' : ''));
      card.setAttribute('data-kpi', kpi.key);
      var head = el('div', label[0] + ' ', 'label');
      head.appendChild(el('small', label[1]));
      card.appendChild(head);
      card.appendChild(el('div', formatValue(kpi, kpi.value), 'value'));
      var target;
      if (kpi.target === null) target = '无目标 (no target)';
      else
        target = '目标 ' + (kpi.better === 'lower' ? '≤ ' : '≥ ') + formatValue(kpi, kpi.target) + (kpi.met === null ? '' : kpi.met ? ' · 达标' : ' · 未达标');
      card.appendChild(el('div', target, 'target'));
      var improving = kpi.change === null || kpi.change === 0 ? '' : kpi.change < 0 === (kpi.better === 'lower') ? ' good' : ' bad';
      if (kpi.key === 'cases') improving = '';
      card.appendChild(el('div', formatChange(kpi), 'trend' + improving));
      box.appendChild(card);
    });
  }

  function chart(id) {
    if (!charts[id]) charts[id] = window.echarts.init($(id), null, { renderer: 'canvas' });
    return charts[id];
  }

  function base(days, percent) {
    return {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 28 },
      xAxis: { type: 'category', data: days },
      yAxis: percent ? { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } } : { type: 'value', minInterval: 1 },
    };
  }

  function noData(option, empty) {
    if (empty) option.title = { text: '所选范围内无数据', left: 'center', top: 'middle', textStyle: { color: '#8896a6', fontSize: 14 } };
    return option;
  }

  function lines(series, name, values) {
    return series.map(function (s) {
      return { name: name(s), type: 'line', connectNulls: true, symbolSize: 7, data: values(s).map(pct) };
    });
  }

  function renderCharts(daily) {
    var days = daily.days;
    var colorOf = {};
    Object.keys(TYPE_NAMES).forEach(function (type, index) {
      colorOf[type] = TYPE_COLORS[index % TYPE_COLORS.length];
    });

    var flow = base(days, false);
    flow.series = daily.opened
      .map(function (s) {
        return { name: '新建·' + TYPE_NAMES[s.type], type: 'bar', stack: 'opened', itemStyle: { color: colorOf[s.type] }, data: s.counts };
      })
      .concat(
        daily.closed.map(function (s) {
          return { name: '结案·' + TYPE_NAMES[s.type], type: 'bar', stack: 'closed', itemStyle: { color: colorOf[s.type], opacity: 0.45 }, data: s.counts };
        }),
      );
    chart('chart-flow').setOption(noData(flow, flow.series.length === 0), true);

    var sla = base(days, true);
    sla.series = lines(
      daily.slaAttainment,
      function (s) {
        return CLOCK_NAMES[s.clock] || s.clock;
      },
      function (s) {
        return s.values;
      },
    );
    chart('chart-sla').setOption(noData(sla, sla.series.length === 0), true);

    var csat = base(days, true);
    csat.series = [
      { name: '满意度 CSAT', type: 'line', connectNulls: true, symbolSize: 7, data: daily.csat.map(pct) },
      { name: '投诉率 (complaint rate)', type: 'line', connectNulls: true, symbolSize: 7, data: daily.complaintRate.map(pct), itemStyle: { color: '#ee6666' } },
    ];
    var csatEmpty = daily.csat.concat(daily.complaintRate).every(function (v) {
      return v === null;
    });
    chart('chart-csat').setOption(noData(csat, csatEmpty), true);

    var exceptions = base(days, false);
    exceptions.yAxis = { type: 'value', min: 0, axisLabel: { formatter: '{value}%' } };
    exceptions.series = lines(
      daily.exceptionRate,
      function (s) {
        return CARRIER_NAMES[s.carrier] || s.carrier;
      },
      function (s) {
        return s.values;
      },
    );
    chart('chart-exceptions').setOption(noData(exceptions, exceptions.series.length === 0), true);

    var fresh = base(days, true);
    fresh.series = [
      {
        name: '轨迹更新及时率',
        type: 'bar',
        barMaxWidth: 48,
        data: daily.trackingFreshness.map(pct),
        itemStyle: { color: '#3ba272' },
        label: { show: true, position: 'top', formatter: '{c}%' },
      },
    ];
    var freshEmpty = daily.trackingFreshness.every(function (v) {
      return v === null;
    });
    chart('chart-freshness').setOption(noData(fresh, freshEmpty), true);
  }

  function renderAtRisk(atRisk) {
    var body = $('at-risk').querySelector('tbody');
    while (body.firstChild) body.removeChild(body.firstChild);
    atRisk.cases.forEach(function (c) {
      var row = el('tr');
      row.setAttribute('data-case', c.caseId);
      row.appendChild(el('td', c.caseId));
      row.appendChild(el('td', c.breached ? '已超时' : '即将到期', c.breached ? 'breached' : 'due'));
      row.appendChild(el('td', TYPE_NAMES[c.type] || c.type));
      row.appendChild(el('td', CARRIER_NAMES[c.carrier] || c.carrier));
      row.appendChild(el('td', c.region || '—'));
      row.appendChild(el('td', (TEAM_NAMES[c.team] || c.team) + ' / ' + c.assignee));
      row.appendChild(el('td', c.dueAt ? new Date(c.dueAt).toLocaleString('zh-CN', { hour12: false }) : '—'));
      var cell = el('td');
      var link = el('a', '在 Temporal UI 中查看');
      link.href = c.temporalUi;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      cell.appendChild(link);
      row.appendChild(cell);
      row.title = STATUS_NAMES[c.status] || c.status;
      body.appendChild(row);
    });
    $('at-risk-empty').hidden = atRisk.cases.length > 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring

  $('sign-in-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var value = $('token').value.trim();
    $('token').value = '';
    if (!value) return;
    window.sessionStorage.setItem(TOKEN_KEY, value);
    void load();
  });
  $('sign-out').addEventListener('click', function () {
    window.sessionStorage.removeItem(TOKEN_KEY);
    signedIn(false);
    showMessage('');
  });
  $('filters').addEventListener('submit', function (event) {
    event.preventDefault();
    void load();
  });
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (id) {
      charts[id].resize();
    });
  });

  readFiltersFromUrl();
  $('who-text').textContent = '已登录';
  if (token()) void load();
  else signedIn(false);
})();
