import type { DutyItemTable } from '../duties/tables.ts';
import { publicPoint } from './access.ts';
import type { CaseTable } from './tables.ts';

/**
 * THE rule for what the public (no sign-in: the community page, Open311's GET methods) may learn of a
 * case, decided by its duty item:
 *
 * - `placed`: a problem of a place (a street, a building, a shop): counted under its item and state,
 *   and placed on the map at its point rounded to about 100 m (`publicPoint`);
 * - `named`: a service a person asks for whose item says nothing about her (a certificate, enrolment,
 *   insurance): counted under its item and state, never placed;
 * - `counted`: an item that exposes a person — 家庭暴力, 侵害未成年人, 救助 and subsidy applications,
 *   care visits, family and labour disputes — or an item not public in the duty list, or no item:
 *   counted only in a total, never named, placed or described.
 *
 * It goes by the item's sub-category (分类二级), which the shipped list gives every item and an editor
 * keeps when she rewords one; an item under a sub-category not listed here — one an administrator adds —
 * is `counted` until it is added, so privacy is the default.
 */
export type PublicShowing = 'placed' | 'named' | 'counted';

/** Sub-categories of problems of a place. */
const PLACE_SUBCATEGORIES: ReadonlySet<string> = new Set([
  '垃圾清运',
  '楼院卫生',
  '噪声污染',
  '大气污染',
  '污染排放',
  '市容秩序',
  '物业服务',
  '业主自治',
  '违法建设',
  '老旧小区改造',
  '房屋安全',
  '无物业小区',
  '养老机构',
  '校外培训',
  '消防安全',
  '高空抛物',
  '犬只管理',
  '社会治安',
  '食品安全',
  '地质灾害',
  '安全生产',
  '综合执法',
  '生活噪声',
  '相邻关系',
  '路灯照明',
  '道路设施',
  '供水',
  '排水',
  '供暖',
  '燃气',
  '公共交通',
]);

/** Sub-categories of services whose name tells nothing about the person who asks. */
const NAMED_SUBCATEGORIES: ReadonlySet<string> = new Set([
  '人民调解',
  '居家社区养老',
  '义务教育入学',
  '学前教育',
  '就业失业登记',
  '养老保险',
  '医疗保险',
  '职业培训',
  '社区证明',
  '户籍与居住证',
]);

type ItemFacts = Pick<DutyItemTable, 'is_public' | 'category_sub'>;

/** How the public may see cases of an item (undefined: no item, or one the list does not hold). */
export function publicShowingOf(item: ItemFacts | undefined): PublicShowing {
  if (item === undefined || item.is_public !== 1) return 'counted';
  if (PLACE_SUBCATEGORIES.has(item.category_sub)) return 'placed';
  if (NAMED_SUBCATEGORIES.has(item.category_sub)) return 'named';
  return 'counted';
}

/** What the public may see of one case. */
export interface PublicCaseView {
  showing: PublicShowing;
  /** the point on a public map: rounded to ~100 m, her own when she sent it through Open311; null unless placed */
  point: { lng: number; lat: number } | null;
  /**
   * whether her own words (description, address, media) may be published, through `publishableText`:
   * only for a placed item she sent through Open311, a public interface, herself
   */
  isOwnWordsPublic: boolean;
}

/** May this case be shown in public, and with what: one answer for every public route. */
export function publicCaseView(
  c: Pick<CaseTable, 'channel' | 'lng' | 'lat'>,
  item: ItemFacts | undefined,
): PublicCaseView {
  const showing = publicShowingOf(item);
  if (showing !== 'placed') return { showing, point: null, isOwnWordsPublic: false };
  const isOwnWordsPublic = c.channel === 'open311';
  const point =
    c.lng === null || c.lat === null
      ? null
      : isOwnWordsPublic
        ? { lng: c.lng, lat: c.lat }
        : publicPoint({ lng: c.lng, lat: c.lat });
  return { showing, point, isOwnWordsPublic };
}
