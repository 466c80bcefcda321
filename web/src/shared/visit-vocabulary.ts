/**
 * The words of a household visit that both the console (coverage, changes to confirm) and the field
 * app show: the kinds of visit, the topics of a finding, the facts a worker may correct.
 */
export const visitVocabularyMessages = {
  'field.neverVisited': { zh: '从未走访', en: 'Never visited' },
  'field.kind.routine': { zh: '日常走访', en: 'Routine' },
  'field.kind.follow_up': { zh: '回访', en: 'Follow-up' },
  'field.kind.urgent': { zh: '紧急', en: 'Urgent' },
  'field.topic.health': { zh: '身体健康', en: 'Health' },
  'field.topic.daily_living': { zh: '生活起居', en: 'Daily living' },
  'field.topic.housing_safety': { zh: '住房安全', en: 'Housing safety' },
  'field.topic.income': { zh: '收入就业', en: 'Income' },
  'field.topic.children_schooling': { zh: '子女入学', en: 'Children & school' },
  'field.topic.disputes': { zh: '矛盾纠纷', en: 'Disputes' },
  'field.topic.policy': { zh: '政策咨询', en: 'Policy questions' },
  'field.fact.phone': { zh: '新手机号', en: 'New phone' },
  'field.fact.living_alone': { zh: '是否独居', en: 'Living alone' },
  'field.fact.status': { zh: '居住状态', en: 'Residence' },
  'field.fact.care_tag_add': { zh: '新增关爱标签', en: 'Add a care tag' },
  'field.fact.care_tag_remove': { zh: '移除关爱标签', en: 'Remove a care tag' },
  'field.fact.notes': { zh: '备注', en: 'Note' },
  'field.fact.yes': { zh: '是', en: 'Yes' },
  'field.fact.no': { zh: '否', en: 'No' },
} as const;
