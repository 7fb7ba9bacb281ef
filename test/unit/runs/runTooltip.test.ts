import assert from 'node:assert/strict';
import { runTooltipMarkdown } from '../../../src/core/runs/runTooltip';
import { escapeMarkdown, inlineCode } from '../../../src/core/text/markdown';
import { formatDuration, formatMetricValue } from '../../../src/core/text/formatValue';
import { makeRun } from './makeRun';

describe('run tooltip', () => {
  it('escapes HTML and Markdown from logs so they render as text', () => {
    const md = runTooltipMarkdown(makeRun('r1', {
      runName: '<img src=x onerror=alert(1)>',
      params: { '**bold**': '<b>x</b>', 'a|b': '[link](http://evil)' },
      tags: { team: '# heading' },
    }));
    assert.ok(!md.includes('<img'), md);
    assert.ok(!md.includes('<b>'), md);
    assert.ok(md.includes('&lt;img src=x onerror=alert\\(1\\)'), md);
    assert.ok(md.includes('\\*\\*bold\\*\\*'), md);
    assert.ok(md.includes('\\[link\\]\\(http://evil\\)'), md);
    assert.ok(md.includes('a\\|b'), 'a pipe cannot break the table');
    assert.ok(md.includes('\\# heading'));
  });

  it('lists duration, params, latest metrics, user tags, source and commit; hides mlflow.* tags', () => {
    const md = runTooltipMarkdown(makeRun('r2', {
      startTime: 0, endTime: 125_000, metrics: { acc: { value: 0.9512, step: 9, timestamp: 5 } }, params: { lr: '0.01' },
      tags: { 'mlflow.source.name': 'train.py', 'mlflow.source.git.commit': 'abcdef1234567890', team: 'vision' },
    }));
    assert.match(md, /Duration: 2m 05s/);
    assert.match(md, /\| acc \| 0\\\.9512 \\\(step 9\\\) \|/);
    assert.match(md, /\| lr \| 0\\\.01 \|/);
    assert.match(md, /\| team \| vision \|/);
    assert.match(md, /Source: `train.py`/);
    assert.match(md, /Git commit: `abcdef123456`/);
    assert.ok(!md.includes('| mlflow.source.name'));
  });

  it('says "so far" for a running run', () => {
    const md = runTooltipMarkdown(makeRun('r3', { status: 'RUNNING', startTime: 1000, endTime: null }), 61_000);
    assert.match(md, /Duration: 1m 00s \(so far\)/);
  });
});

describe('text helpers', () => {
  it('inlineCode picks a fence longer than backticks inside', () => {
    assert.equal(inlineCode('a`b'), '``a`b``');
    assert.equal(inlineCode('plain'), '`plain`');
  });
  it('escapeMarkdown flattens newlines', () => {
    assert.equal(escapeMarkdown('a\nb'), 'a b');
  });
  it('formats metric values and durations', () => {
    assert.equal(formatMetricValue(0.95123456), '0.9512');
    assert.equal(formatMetricValue(NaN), 'NaN');
    assert.equal(formatMetricValue(-Infinity), '-∞');
    assert.equal(formatMetricValue(42), '42');
    assert.equal(formatMetricValue(0.00001234), '1.234e-5');
    assert.equal(formatDuration(3_720_000), '1h 02m');
    assert.equal(formatDuration(850), '850 ms');
  });
});
