import { Alert, App, Button, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { ApiError, api, unwrap } from '../../../api/client';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { type FundItem, useFundMutation } from './queries';

interface Row {
  /** the line of the pasted text it came from (1-based) */
  line: number;
  address: string;
  areaM2: number;
}

/**
 * Reads a list pasted from a spreadsheet: one household a line, the registry address and then the floor
 * area (separated by a tab, a comma or spaces). Blank lines are skipped; a line without a number at its end
 * is named.
 */
export function parseOwnerLines(text: string): { rows: Row[]; bad: number[] } {
  const rows: Row[] = [];
  const bad: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const match = /^(.*?)[\s,，\t]+(\d+(?:\.\d+)?)\s*(?:㎡|m²|m2|平方米|平米)?$/.exec(line);
    if (match === null || match[1]!.trim() === '') bad.push(i + 1);
    else rows.push({ line: i + 1, address: match[1]!.trim(), areaM2: Number(match[2]) });
  });
  return { rows, bad };
}

/** 批量登记: owner households from a pasted address + area list, all or none; a failing line is named. */
export function ImportOwners({ fund }: { fund: FundItem }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [isOpen, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const save = useFundMutation((rows: { address: string; areaM2: number }[]) =>
    unwrap(api.POST('/api/v1/funds/{id}/owners/import', { params: { path: { id: fund.id } }, body: { rows } })),
  );
  const submit = () => {
    const { rows, bad } = parseOwnerLines(text);
    if (bad.length > 0 || rows.length === 0) {
      setProblems(
        rows.length === 0 && bad.length === 0
          ? [t('fc.import.empty')]
          : bad.map((line) => t('fc.import.badLine', { line })),
      );
      return;
    }
    setProblems([]);
    save.mutate(
      rows.map(({ address, areaM2 }) => ({ address, areaM2 })),
      {
        onSuccess: (owners) => {
          void message.success(t('fc.import.done', { n: rows.length, total: owners.items.length }));
          setText('');
          setOpen(false);
        },
        onError: (e) => {
          if (!(e instanceof ApiError) || e.errors.length === 0) return setProblems([errorText(e, i18n)]);
          // rows.<i>.<field>: the i-th row sent, which is a line of the pasted text
          setProblems(
            e.errors.map((err) => {
              const i = /^rows\.(\d+)\./.exec(err.field)?.[1];
              const row = i === undefined ? undefined : rows[Number(i)];
              const text = i18n.pick({ zh: err.message_zh, en: err.message_en });
              return row === undefined ? text : `${t('fc.import.line', { line: row.line })}${row.address} — ${text}`;
            }),
          );
        },
      },
    );
  };
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="fc-owner-import">
        {t('fc.import')}
      </Button>
      {isOpen && (
        <Modal
          open
          width={640}
          title={t('fc.import')}
          onCancel={() => setOpen(false)}
          onOk={submit}
          okText={t('fc.import.save')}
          confirmLoading={save.isPending}
          okButtonProps={{ 'data-testid': 'fc-owner-import-save' }}
        >
          <Typography.Paragraph type="secondary">{t('fc.import.hint')}</Typography.Paragraph>
          <Input.TextArea
            rows={10}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={'营门滩家属院 3 号楼 101\t86.5\n营门滩家属院 3 号楼 102\t72'}
            data-testid="fc-owner-import-text"
          />
          {problems.length > 0 && (
            <Alert
              style={{ marginTop: 12 }}
              type="error"
              showIcon
              data-testid="fc-owner-import-problems"
              title={t('fc.import.nothingSaved')}
              description={
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              }
            />
          )}
        </Modal>
      )}
    </>
  );
}
