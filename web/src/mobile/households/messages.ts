/** UI strings of the grid worker's phone ledger (/m/households), in both languages. */
export const householdsMessages = {
  'mobile.title': { zh: '网格住户', en: 'My grid' },
  'mobile.console': { zh: '电脑版', en: 'Desktop console' },
  'mobile.head': { zh: '户主', en: 'Head' },
  'mobile.count': { zh: '{n} 户', en: '{n} households' },
  'mobile.age': { zh: '{n} 岁', en: 'age {n}' },
  'mobile.searchPlaceholder': { zh: '地址或姓名', en: 'Address or name' },
  'mobile.allHouseholds': { zh: '全部', en: 'All' },
  'mobile.noCareTags': { zh: '无关爱对象', en: 'No care tags' },
  'mobile.noMembers': { zh: '暂无在住成员', en: 'No members living here' },
  'mobile.empty': { zh: '没有符合条件的住户', en: 'No matching household' },
};
