import { describe, expect, it } from 'vitest';
import { DEFAULT_DUTY_ITEMS, DEPARTMENT_KINDS } from './default-items.ts';

const TOP_CATEGORIES = [
  '环境卫生',
  '物业与住房',
  '养老服务',
  '儿童与教育',
  '社会救助',
  '公共安全',
  '邻里纠纷',
  '道路与市政设施',
  '就业与社保',
  '证明与办事',
];

describe('default duty list', () => {
  it('has about 60 items', () => {
    expect(DEFAULT_DUTY_ITEMS.length).toBeGreaterThanOrEqual(55);
    expect(DEFAULT_DUTY_ITEMS.length).toBeLessThanOrEqual(70);
  });

  it('has unique, well-formed codes sharing one prefix per top category', () => {
    const codes = DEFAULT_DUTY_ITEMS.map((item) => item.code);
    expect(new Set(codes).size).toBe(codes.length);
    const prefixByCategory = new Map<string, string>();
    for (const item of DEFAULT_DUTY_ITEMS) {
      expect(item.code).toMatch(/^[A-Z]{2}-\d{3}$/);
      const prefix = item.code.slice(0, 2);
      const top = item.category[0];
      expect(prefixByCategory.get(top) ?? prefix, item.code).toBe(prefix);
      prefixByCategory.set(top, prefix);
    }
    expect(new Set(prefixByCategory.values()).size).toBe(prefixByCategory.size);
  });

  it('names a known department exactly for assist and department items', () => {
    for (const item of DEFAULT_DUTY_ITEMS) {
      if (item.kind === 'assist' || item.kind === 'department') {
        expect(item.department, item.code).not.toBeNull();
        expect(Object.keys(DEPARTMENT_KINDS), item.code).toContain(item.department);
      } else {
        expect(item.department, item.code).toBeNull();
      }
    }
  });

  it('has positive deadlines, urgent ones no longer than normal ones', () => {
    for (const item of DEFAULT_DUTY_ITEMS) {
      expect(item.urgentAcceptHours, item.code).toBeGreaterThan(0);
      expect(item.urgentResolveHours, item.code).toBeGreaterThan(0);
      expect(item.urgentAcceptHours, item.code).toBeLessThanOrEqual(item.acceptHours);
      expect(item.urgentResolveHours, item.code).toBeLessThanOrEqual(item.resolveHours);
      expect(item.acceptHours, item.code).toBeLessThanOrEqual(item.resolveHours);
    }
  });

  it('covers every top category with at least 4 items, and no others', () => {
    for (const top of TOP_CATEGORIES) {
      const count = DEFAULT_DUTY_ITEMS.filter((item) => item.category[0] === top).length;
      expect(count, top).toBeGreaterThanOrEqual(4);
    }
    for (const item of DEFAULT_DUTY_ITEMS) expect(TOP_CATEGORIES, item.code).toContain(item.category[0]);
  });

  it('fills names, descriptions, legal bases and keywords', () => {
    for (const item of DEFAULT_DUTY_ITEMS) {
      expect(item.name.length, item.code).toBeGreaterThan(0);
      expect(item.description.length, item.code).toBeGreaterThan(0);
      expect(item.legalBasis.length, item.code).toBeGreaterThan(0);
      expect(item.keywords.length, item.code).toBeGreaterThan(0);
    }
  });

  it('gives school enrolment (JY-001) to the education department, never the community', () => {
    const enrolment = DEFAULT_DUTY_ITEMS.find((item) => item.code === 'JY-001');
    expect(enrolment).toBeDefined();
    expect(enrolment?.kind).toBe('department');
    expect(enrolment?.department).toBe('education');
    expect(enrolment?.isPublic).toBe(true);
  });
});
