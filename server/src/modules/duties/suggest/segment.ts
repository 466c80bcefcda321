import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

/** Loading jieba's dictionary takes a few hundred milliseconds: once per process, on first use. */
let jieba: Jieba | null = null;
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/** Words that say nothing about which item a text belongs to (function words, politeness, filler). */
const STOPWORDS = new Set(
  (
    '的 了 是 我 我们 我家 你 你们 他 她 它 他们 有 在 和 与 也 都 就 还 又 很 太 吗 呢 吧 啊 呀 哦 嘛 怎么 怎么办 ' +
    '什么 为什么 一下 一个 这个 那个 这 那 这里 那里 这边 那边 能 不能 可以 请 请问 帮忙 帮 帮帮 谢谢 麻烦 希望 ' +
    '问题 情况 反映 现在 已经 一直 要 想 去 来 说 给 让 把 被 得 地 着 过 从 到 对 跟 没 不 好 等 及 或 但 但是 ' +
    '所以 因为 如果 而且 然后 还是 应该 需要 能否 是否 哪里 哪儿 谁 几 多 些 一些 有人 您 咱 咱们 大家 自己'
  ).split(' '),
);

const HAN_RUN = /\p{Script=Han}+/gu;
const WORDISH = /[\p{L}\p{N}]/u;

/**
 * A text's terms, each with its weight: jieba's words (search mode, so 没有本地户口 also yields 户口)
 * without stopwords, plus character bigrams of every run of Han characters (`#` + two characters,
 * half weight) so a word jieba splits differently from the item's wording still meets it.
 */
export function termsOf(text: string, weight = 1): Map<string, number> {
  const terms = new Map<string, number>();
  const add = (term: string, w: number) => terms.set(term, (terms.get(term) ?? 0) + w);
  const normal = text.normalize('NFKC').toLowerCase();
  for (const word of segmenter().cutForSearch(normal, true)) {
    const w = word.trim();
    if (w.length === 0 || !WORDISH.test(w) || STOPWORDS.has(w)) continue;
    add(w, weight);
  }
  for (const run of normal.match(HAN_RUN) ?? []) {
    for (let i = 0; i + 1 < run.length; i++) add(`#${run.slice(i, i + 2)}`, weight / 2);
  }
  return terms;
}
