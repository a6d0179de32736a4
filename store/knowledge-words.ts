/**
 * Chinese word segmentation for the knowledge base's search (docs/knowledge.md). Node's ICU word
 * segmenter (`Intl.Segmenter('zh', { granularity: 'word' })`) splits text into words, but its
 * dictionary breaks many logistics terms into single characters (顺丰 → 顺 | 丰, 理赔 → 理 | 赔).
 * A small domain dictionary joins such runs back into one token, so an article and a query are
 * segmented the same way and the terms agents type match as words. Pure: the same text always
 * gives the same tokens.
 */

/** Terms of the trade that must stay one token (simplified Chinese, as articles and agents write). */
const DOMAIN_TERMS = [
  '顺丰',
  '京东',
  '货拉拉',
  '回头车',
  '快递100',
  '理赔',
  '保价',
  '丢件',
  '遗失',
  '破损',
  '催件',
  '改址',
  '拦截',
  '拒签',
  '拒收',
  '签收',
  '派件',
  '揽收',
  '补发',
  '错发',
  '漏发',
  '退件',
  '入库',
  '退换货',
  '先行',
  '赔付',
  '定损',
  '运费',
  '时效',
  '延误',
  '偏远',
  '新疆',
  '西藏',
  '青海',
  '内蒙古',
  '海南',
  '暴雨',
  '台风',
  '暴雪',
  '冰冻',
  '春节',
  '大促',
  '话术',
  '客服',
  '举证',
  '照片',
  '包装',
  '轨迹',
  '同城',
  '零担',
  '大件',
  '货损',
  '司机',
  '满意度',
  '回访',
  '投诉',
  '升级',
  '安抚',
  '补偿',
  '退款',
  '换货',
  '供应商',
  '仓库',
  '运单',
  '单号',
  '网点',
  '中转',
  '滞留',
  '管制',
  '到账',
  '打款',
  '再派',
  '零件号',
  '取件',
  '驿站',
  '快递柜',
];

const MAX_TERM_CHARS = Math.max(...DOMAIN_TERMS.map((term) => term.length));
const TERMS = new Set(DOMAIN_TERMS);
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Keeps letters and digits only, lower-cased: safe inside a PostgreSQL tsquery. */
function clean(token: string): string {
  return token.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
}

/**
 * The words of a text, in order: ICU's word-like segments, runs of segments that spell a domain
 * term joined into that term. Punctuation and spaces are dropped.
 */
export function segmentWords(text: string): string[] {
  const words = [...segmenter.segment(text.normalize('NFKC'))]
    .filter((part) => part.isWordLike)
    .map((part) => clean(part.segment))
    .filter((word) => word.length > 0);
  const out: string[] = [];
  for (let i = 0; i < words.length;) {
    let joined = '';
    let taken = 0;
    let run = '';
    for (let j = i; j < words.length && run.length + (words[j] ?? '').length <= MAX_TERM_CHARS; j++) {
      run += words[j];
      if (TERMS.has(run)) {
        joined = run;
        taken = j - i + 1;
      }
    }
    if (taken > 1) {
      out.push(joined);
      i += taken;
    } else {
      out.push(words[i] as string);
      i += 1;
    }
  }
  return out;
}

/** The segmented text as stored for full-text search: words separated by spaces. */
export function segmentedText(text: string): string {
  return segmentWords(text).join(' ');
}

/** The distinct words of a search query, at most `max` of them (the rest are ignored). */
export function queryWords(query: string, max = 16): string[] {
  return [...new Set(segmentWords(query))].slice(0, max);
}

/**
 * A short excerpt of `body` around the first place a query word occurs, the words marked with
 * 【】; the opening of the body when no word occurs.
 */
export function snippetOf(body: string, words: readonly string[], width = 60): string {
  const flat = body
    .replace(/^#+\s*/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
  const lower = flat.toLowerCase();
  const hits = words.map((word) => lower.indexOf(word)).filter((at) => at >= 0);
  const first = hits.length > 0 ? Math.min(...hits) : 0;
  const start = Math.max(0, first - Math.floor(width / 3));
  const end = Math.min(flat.length, start + width);
  let excerpt = flat.slice(start, end);
  const marked = [...words].filter((word) => word.length > 0).sort((a, b) => b.length - a.length);
  if (marked.length > 0) {
    const pattern = new RegExp(marked.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
    excerpt = excerpt.replace(pattern, (match) => `【${match}】`);
  }
  return `${start > 0 ? '…' : ''}${excerpt}${end < flat.length ? '…' : ''}`;
}
