// The console's only script: the idle sign-out timer and the dashboard's charts (Chart.js, served by Baton).
'use strict';

// HIPAA automatic logoff: when the session's idle time has passed since this page was served
// (its last request), leave the page, so nothing stays on an unattended screen.
(function idleTimer() {
  var secs = Number(document.body.getAttribute('data-idle-seconds'));
  if (!secs) return;
  setTimeout(function () { window.location.assign('/console/auth/timeout'); }, secs * 1000);
})();

(function charts() {
  var data = document.getElementById('dashboard-data');
  if (!data || !window.Chart) return;
  var d = JSON.parse(data.textContent);
  var Chart = window.Chart;
  // Okabe–Ito: told apart with the common colour-vision deficiencies, and in greyscale print.
  var PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
  var color = function (i) { return PALETTE[i % PALETTE.length]; };
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.color = '#1f2933';
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  var wait = function (m) { return m === null ? '—' : m < 60 ? Math.round(m) + ' min' : m < 2880 ? (m / 60).toFixed(1) + ' h' : (m / 1440).toFixed(1) + ' days'; };
  var canvas = function (id) { return document.querySelector('canvas[data-chart="' + id + '"]'); };
  var made = [];
  var make = function (id, config) { var c = canvas(id); if (c) made.push(new Chart(c, config)); };

  make('daily', {
    data: {
      labels: d.days,
      datasets: d.daily.created.map(function (s, i) { return { type: 'bar', label: s.label, data: s.data, backgroundColor: color(i), stack: 'new' }; })
        .concat([{ type: 'line', label: 'Resolved', data: d.daily.resolved, borderColor: '#1f2933', backgroundColor: '#1f2933', pointRadius: 2, borderWidth: 2, tension: 0.2 }]),
    },
    options: { scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'messages' }, ticks: { precision: 0 } } } },
  });

  // Each chart in the unit its longest bar reads best in: minutes, hours or days.
  var unitFor = function (values) {
    var max = Math.max.apply(null, values.filter(function (v) { return v !== null; }).concat([0]));
    return max < 120 ? ['minutes', 1] : max < 72 * 60 ? ['hours', 60] : ['days', 1440];
  };
  var waitChart = function (id, s, colors) {
    var unit = unitFor(s.p90.concat(s.median));
    var scaled = function (xs) { return xs.map(function (m) { return m === null ? null : Math.round((m / unit[1]) * 10) / 10; }); };
    make(id, {
      type: 'bar',
      data: { labels: s.labels, datasets: [{ label: 'Median', data: scaled(s.median), raw: s.median, backgroundColor: color(colors[0]) }, { label: '90th percentile', data: scaled(s.p90), raw: s.p90, backgroundColor: color(colors[1]) }] },
      options: {
        indexAxis: 'y',
        scales: { x: { beginAtZero: true, title: { display: true, text: unit[0] + ' from arrival' } } },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ': ' + wait(c.dataset.raw[c.dataIndex]); } } } },
      },
    });
  };
  waitChart('claim', d.claim, [0, 4]);
  waitChart('resolve', d.resolve, [2, 5]);

  make('breach', {
    type: 'bar',
    data: { labels: d.breach.labels, datasets: [{ label: 'Claimed after target', data: d.breach.claim, backgroundColor: color(1) }, { label: 'Resolved after target', data: d.breach.resolve, backgroundColor: color(5) }] },
    options: { scales: { y: { beginAtZero: true, max: 100, title: { display: true, text: '% of items' } } }, plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ': ' + (c.raw === null ? '—' : Math.round(c.raw) + '%'); } } } } },
  });

  make('backlog', {
    type: 'bar',
    data: { labels: d.backlog.labels, datasets: d.backlog.bands.map(function (b, i) { return { label: b.label, data: b.data, backgroundColor: ['#56B4E9', '#0072B2', '#E69F00', '#D55E00'][i] || color(i) }; }) },
    options: { indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'open items' } }, y: { stacked: true } } },
  });

  make('physician', {
    type: 'doughnut',
    data: { labels: ['Reached a physician', 'Handled by the team'], datasets: [{ data: [d.physician.escalated, d.physician.team], backgroundColor: [color(5), color(2)] }] },
    options: { cutout: '55%', plugins: { legend: { position: 'right' } } },
  });

  make('people', {
    type: 'bar',
    data: { labels: d.people.labels, datasets: [{ label: 'Resolved in the period', data: d.people.resolved, backgroundColor: color(2) }, { label: 'Holding now', data: d.people.holding, backgroundColor: color(1) }] },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });

  // Print: charts are redrawn at the printed width, and again for the screen afterwards.
  var resize = function () { made.forEach(function (c) { c.resize(); }); };
  window.addEventListener('beforeprint', resize);
  window.addEventListener('afterprint', resize);
})();
