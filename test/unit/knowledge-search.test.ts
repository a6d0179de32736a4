import fc from 'fast-check';
import { fillScript, parseArticle, placeholdersOf } from '../../api/knowledge/article';
import { queryWords, segmentWords, snippetOf } from '../../store/knowledge-words';

/** The knowledge base's pure parts: Chinese segmentation, snippets, front matter, script filling. */

test('carrier and claim terms stay whole words, the same in an article and in a query', () => {
  expect(segmentWords('顺丰理赔时效，丢件先行赔付48小时；京东物流改址拦截')).toEqual([
    '顺丰',
    '理赔',
    '时效',
    '丢件',
    '先行',
    '赔付',
    '48',
    '小时',
    '京东',
    '物流',
    '改址',
    '拦截',
  ]);
  expect(queryWords('顺丰 理赔 时效')).toEqual(['顺丰', '理赔', '时效']);
  expect(queryWords('货拉拉司机联系不上')).toEqual(expect.arrayContaining(['货拉拉', '司机']));
  // Punctuation, spaces and case do not matter; duplicates are dropped.
  expect(queryWords('  SF，sf！！ 顺丰 顺丰 ')).toEqual(['sf', '顺丰']);
});

test('query words are letters and digits only: nothing that could break a tsquery', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => {
      for (const word of queryWords(text)) expect(word).toMatch(/^[\p{L}\p{N}]+$/u);
    }),
  );
});

test('a snippet shows the first matching place with the words marked', () => {
  const body = '# 顺丰理赔\n\n前言很长很长很长。\n\n丢件由系统自动核验轨迹，核验通过即先行赔付，理赔 48 小时内到账。';
  const snippet = snippetOf(body, ['理赔', '时效']);
  expect(snippet).toContain('【理赔】');
  expect(snippet.length).toBeLessThanOrEqual(60 + 2 * 2 * 2 + 2);
  expect(snippetOf('没有匹配的正文', ['顺丰'])).toBe('没有匹配的正文');
});

test('front matter: required fields, kinds, case types and scripts’ steps are checked', () => {
  const ok = parseArticle('---\nid: sf-x\nkind: script\ncaseType: LOST\nstep: lost.verify\ntitle: T\ntags: [顺丰, 理赔]\n---\n正文 {{customerName}}\n', 'x.md');
  expect(ok).toMatchObject({ id: 'sf-x', kind: 'script', caseType: 'LOST', step: 'lost.verify', tags: ['顺丰', '理赔'], body: '正文 {{customerName}}' });
  expect(() => parseArticle('no front matter', 'a.md')).toThrow(/front matter/);
  expect(() => parseArticle('---\nid: a-b\nkind: poem\ntitle: T\n---\nx', 'a.md')).toThrow(/kind/);
  expect(() => parseArticle('---\nid: a-b\nkind: script\ntitle: T\n---\nx', 'a.md')).toThrow(/caseType and step/);
  expect(() => parseArticle('---\nid: a-b\nkind: faq\ncaseType: LATE\ntitle: T\n---\nx', 'a.md')).toThrow(/caseType/);
  expect(() => parseArticle('---\nid: A B\nkind: faq\ntitle: T\n---\nx', 'a.md')).toThrow(/id/);
});

test('a filled script never leaves a {{placeholder}}, whatever the facts', () => {
  const name = fc.constantFrom('customerName', 'carrier', 'waybillNo', 'dueAt', 'amountYuan', 'unknownFact');
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.string({ maxLength: 8 }),
          name.map((n) => `{{${n}}}`),
        ),
        { maxLength: 12 },
      ),
      fc.dictionary(name, fc.option(fc.string({ maxLength: 10 }), { nil: undefined })),
      (parts, facts) => {
        const text = parts.join('');
        const filled = fillScript(text, facts);
        expect(placeholdersOf(filled)).toEqual([]);
      },
    ),
  );
  expect(fillScript('{{customerName}}您好，运单 {{waybillNo}}', { customerName: '张三汽修' })).toBe('张三汽修您好，运单 （待确认）');
});
