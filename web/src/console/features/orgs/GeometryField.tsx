import { CheckOutlined, ClearOutlined, UndoOutlined } from '@ant-design/icons';
import { Button, Flex, Input, Segmented, Typography } from 'antd';
import { useState } from 'react';
import type { PolygonGeometry } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import { parsePastedPolygon, polygonFromPoints } from './geometry';
import type { LngLat } from './OrgMapView';

export interface DraftState {
  points: LngLat[];
  setPoints: (points: LngLat[]) => void;
  isDrawing: boolean;
  setDrawing: (isDrawing: boolean) => void;
}

interface GeometryFieldProps {
  value?: PolygonGeometry | undefined;
  onChange?: (value: PolygonGeometry | undefined) => void;
  draft: DraftState;
}

/** The boundary of a new unit: drawn by clicking vertices on the map beside it, or pasted as GeoJSON. */
export function GeometryField({ value, onChange, draft }: GeometryFieldProps) {
  const { t } = useI18n();
  const [mode, setMode] = useState<'draw' | 'paste'>('draw');
  const [pasted, setPasted] = useState('');
  const [pasteError, setPasteError] = useState<string | null>(null);

  const clear = () => {
    draft.setPoints([]);
    onChange?.(undefined);
    draft.setDrawing(mode === 'draw');
  };

  const switchMode = (next: 'draw' | 'paste') => {
    setMode(next);
    draft.setPoints([]);
    onChange?.(undefined);
    setPasted('');
    setPasteError(null);
    draft.setDrawing(next === 'draw');
  };

  const paste = (text: string) => {
    setPasted(text);
    if (text.trim() === '') {
      setPasteError(null);
      draft.setPoints([]);
      onChange?.(undefined);
      return;
    }
    const parsed = parsePastedPolygon(text);
    setPasteError(parsed === null ? t('org.geometry.badJson') : null);
    draft.setPoints(parsed?.points ?? []);
    onChange?.(parsed?.polygon);
  };

  return (
    <Flex vertical gap={8}>
      <Segmented<'draw' | 'paste'>
        value={mode}
        onChange={switchMode}
        options={[
          { value: 'draw', label: t('org.geometry.draw') },
          { value: 'paste', label: t('org.geometry.paste') },
        ]}
      />
      {mode === 'draw' && value === undefined && (
        <>
          <Typography.Text type="secondary">{t('org.geometry.drawHint')}</Typography.Text>
          <Typography.Text data-testid="vertex-count">
            {t('org.geometry.vertices', { n: draft.points.length })}
          </Typography.Text>
          <Flex gap={8}>
            <Button
              type="primary"
              ghost
              icon={<CheckOutlined />}
              disabled={draft.points.length < 3}
              onClick={() => {
                onChange?.(polygonFromPoints(draft.points));
                draft.setDrawing(false);
              }}
            >
              {t('org.geometry.finish')}
            </Button>
            <Button
              icon={<UndoOutlined />}
              disabled={draft.points.length === 0}
              onClick={() => draft.setPoints(draft.points.slice(0, -1))}
            >
              {t('org.geometry.undo')}
            </Button>
            <Button icon={<ClearOutlined />} disabled={draft.points.length === 0} onClick={clear}>
              {t('org.geometry.clear')}
            </Button>
          </Flex>
        </>
      )}
      {mode === 'draw' && value !== undefined && (
        <Flex align="center" gap={8}>
          <Typography.Text type="success">
            <CheckOutlined /> {t('org.geometry.done', { n: draft.points.length })}
          </Typography.Text>
          <Button size="small" icon={<ClearOutlined />} onClick={clear}>
            {t('org.geometry.clear')}
          </Button>
        </Flex>
      )}
      {mode === 'paste' && (
        <>
          <Input.TextArea
            rows={5}
            value={pasted}
            onChange={(e) => paste(e.target.value)}
            placeholder='{"type":"Polygon","coordinates":[[[103.7,36.1],[103.71,36.1],[103.71,36.11],[103.7,36.1]]]}'
            style={{ fontFamily: 'monospace', fontSize: 12 }}
          />
          {pasteError !== null && <Typography.Text type="danger">{pasteError}</Typography.Text>}
        </>
      )}
    </Flex>
  );
}
