import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { CreateOrgUnitForm } from './CreateOrgUnitForm';
import type { DraftState } from './GeometryField';
import { OrgDetail } from './OrgDetail';
import { OrgMapView, type LngLat } from './OrgMapView';
import { OrgSearch } from './OrgSearch';
import { OrgTree } from './OrgTree';
import { useMeta, useOrgMap, useOrgUnit } from './queries';
import { useOrgTree } from './useOrgTree';

/** 组织架构: the tree of units in scope, and the selected unit's details and map. */
export function OrgPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const navigate = useNavigate();
  const tree = useOrgTree();
  // without a unit in the URL, the page is about the first scope root
  const orgId = useParams().orgId ?? tree.roots?.[0]?.id;
  const unit = useOrgUnit(orgId);
  const orgMap = useOrgMap(orgId);
  const meta = useMeta();
  // the unit a new grid/compound/group is being drawn under; moving to another unit ends it
  const [creatingUnder, setCreatingUnder] = useState<string | null>(null);
  const isCreating = creatingUnder !== null && creatingUnder === orgId;
  const [points, setPoints] = useState<LngLat[]>([]);
  const [isDrawing, setDrawing] = useState(false);
  const draft: DraftState = { points, setPoints, isDrawing, setDrawing };

  const select = useCallback((id: string) => void navigate(`/orgs/${id}`), [navigate]);
  const { reveal } = tree;
  useEffect(() => {
    if (orgId !== undefined) reveal(orgId).catch(() => undefined);
  }, [orgId, reveal]);

  const startCreating = () => {
    setCreatingUnder(orgId ?? null);
    setPoints([]);
    setDrawing(true);
  };
  const stopCreating = () => {
    setCreatingUnder(null);
    setDrawing(false);
    setPoints([]);
  };

  const canCreate = unit.data?.level === 'community' && can('org.manage');

  return (
    <Flex gap={16} align="flex-start" style={{ minHeight: 'calc(100vh - 104px)' }}>
      <Card
        size="small"
        title={t('org.tree')}
        style={{ width: 340, flex: 'none', position: 'sticky', top: 0 }}
        styles={{ body: { maxHeight: 'calc(100vh - 190px)', overflow: 'auto' } }}
        data-testid="org-tree"
      >
        <div style={{ marginBottom: 12 }}>
          <OrgSearch onPick={select} />
        </div>
        {tree.error !== null ? (
          <Alert type="error" title={errorText(tree.error, i18n)} />
        ) : (
          <OrgTree tree={tree} selectedId={orgId} onSelect={select} />
        )}
      </Card>
      <Flex vertical gap={16} style={{ flex: 1, minWidth: 0 }}>
        {unit.error !== null && <Alert type="warning" showIcon title={errorText(unit.error, i18n)} />}
        {orgId === undefined && (
          <Card>
            <Empty description={t('org.pickOne')} />
          </Card>
        )}
        {unit.data !== undefined && (
          <OrgDetail
            unit={unit.data}
            onNavigate={select}
            extra={
              canCreate &&
              !isCreating && (
                <Button type="primary" icon={<PlusOutlined />} onClick={startCreating}>
                  {t('org.create')}
                </Button>
              )
            }
          />
        )}
        {orgId !== undefined && (
          <Flex gap={16} align="flex-start">
            <Card size="small" title={t('org.map')} style={{ flex: 1, minWidth: 0 }}>
              <OrgMapView
                map={orgMap.data}
                focusId={orgId}
                focusName={unit.data?.name}
                baseMap={meta.data?.map}
                isDrawing={isCreating && isDrawing}
                draftPoints={isCreating ? points : undefined}
                onAddPoint={(p) => setPoints((prev) => [...prev, p])}
                onFeatureClick={select}
              />
            </Card>
            {isCreating && unit.data !== undefined && (
              <div style={{ width: 380, flex: 'none' }}>
                <CreateOrgUnitForm
                  parent={unit.data}
                  draft={draft}
                  onClose={stopCreating}
                  onCreated={(created) => {
                    stopCreating();
                    if (created.parentId !== null) void tree.expand(created.parentId);
                  }}
                />
              </div>
            )}
          </Flex>
        )}
      </Flex>
    </Flex>
  );
}
