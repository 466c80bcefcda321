import { Alert, App, Button, Card, Empty, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../app/messages';
import {
  type Alliance,
  type PartyOrg,
  type Project,
  addNeed,
  addProject,
  addResource,
  completeMilestone,
  createPartyOrg,
  createPost,
  decideRegistration,
  enrolCandidate,
  moveProject,
  useAllianceLists,
  useAlliances,
  useCandidates,
  usePartyMembers,
  usePartyMutation,
  usePartyOrgs,
  usePosts,
  useRegistrations,
} from './queries';

const day = (iso: string) => dayjs(iso).format('YYYY-MM-DD');
const hours = (minutes: number) => Math.round(minutes / 6) / 10;

/** Runs a write and reports its outcome in the page's language. */
function useRun() {
  const i18n = useI18n();
  const { message } = App.useApp();
  return (p: Promise<unknown>, done?: string) =>
    p.then(
      () => done !== undefined && message.success(done),
      (e: unknown) => message.error(errorText(e, i18n)),
    );
}

/** The party organisations at and under the unit, with the chosen one's members and the registry's 党员 waiting. */
function Orgs({ orgId }: { orgId: string }) {
  const { t } = useI18n();
  const run = useRun();
  const orgs = usePartyOrgs(orgId);
  const [chosen, setChosen] = useState<string | null>(null);
  const members = usePartyMembers(chosen);
  const candidates = useCandidates(orgId);
  const enrol = usePartyMutation(({ partyOrgId, residentId }: { partyOrgId: string; residentId: string }) =>
    enrolCandidate(partyOrgId, residentId),
  );
  const create = usePartyMutation(createPartyOrg);
  const [name, setName] = useState('');
  if (orgs.error !== null) return <Alert type="error" showIcon message={String(orgs.error)} />;
  // the tree: each organisation under its parent
  const rows = orgs.data?.items ?? [];
  type Node = PartyOrg & { unitName: string; members: number; children?: Node[] };
  const byParent = new Map<string | null, Node[]>();
  for (const o of rows) byParent.set(o.parentId, [...(byParent.get(o.parentId) ?? []), { ...o }]);
  const ids = new Set(rows.map((o) => o.id));
  const attach = (n: Node): Node => {
    const children = (byParent.get(n.id) ?? []).map(attach);
    return children.length > 0 ? { ...n, children } : n;
  };
  const roots = rows.filter((o) => o.parentId === null || !ids.has(o.parentId)).map((o) => attach({ ...o }));
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Table<Node>
        rowKey="id"
        size="small"
        loading={orgs.isPending}
        dataSource={roots}
        pagination={false}
        data-testid="party-orgs"
        rowSelection={{
          type: 'radio',
          selectedRowKeys: chosen === null ? [] : [chosen],
          onChange: (keys) => setChosen((keys[0] as string | undefined) ?? null),
        }}
        expandable={{ defaultExpandAllRows: true }}
        columns={[
          { title: t('party.org.name'), dataIndex: 'name' },
          {
            title: '',
            dataIndex: 'kind',
            render: (k: PartyOrg['kind']) => <Tag>{t(`party.org.kind.${k}` as MessageKey)}</Tag>,
          },
          { title: t('party.org.unit'), dataIndex: 'unitName' },
          { title: t('party.org.members'), dataIndex: 'members' },
        ]}
        locale={{ emptyText: <Empty /> }}
      />
      {rows.length === 0 && (
        <Space.Compact>
          <Input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('party.org.name')} />
          <Button
            data-testid="party-org-create"
            disabled={name.trim() === ''}
            onClick={() =>
              void run(
                create.mutateAsync({ orgId, kind: 'branch', name: name.trim() }).then((r) => {
                  setName('');
                  return r;
                }),
                t('party.org.new'),
              )
            }
          >
            {t('party.org.new')}
          </Button>
        </Space.Compact>
      )}
      {chosen !== null && (
        <Table
          rowKey="id"
          size="small"
          loading={members.isPending}
          dataSource={members.data?.items ?? []}
          pagination={{ pageSize: 20 }}
          data-testid="party-members"
          columns={[
            { title: t('party.member.name'), dataIndex: 'name' },
            {
              title: t('party.member.duty'),
              dataIndex: 'duty',
              render: (d: string) => t(`party.member.duty.${d}` as MessageKey),
            },
            { title: t('party.alliance.unit'), dataIndex: 'unitName', render: (u: string | null) => u ?? '' },
          ]}
        />
      )}
      <Card size="small" title={t('party.candidates')}>
        <Table
          rowKey="residentId"
          size="small"
          loading={candidates.isPending}
          dataSource={candidates.data?.items ?? []}
          pagination={{ pageSize: 10 }}
          data-testid="party-candidates"
          columns={[
            { title: t('party.member.name'), dataIndex: 'name' },
            { title: t('party.org.unit'), dataIndex: 'unitName' },
            { title: t('party.dual.requested'), dataIndex: 'since', render: day },
            {
              title: '',
              key: 'enrol',
              render: (_: unknown, c: { residentId: string }) => (
                <Button
                  size="small"
                  disabled={chosen === null}
                  title={chosen === null ? t('party.candidates.pick') : undefined}
                  onClick={() => void run(enrol.mutateAsync({ partyOrgId: chosen!, residentId: c.residentId }))}
                >
                  {t('party.candidates.enrol')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

/** 双报到: the members who registered with the community, waiting ones first, each confirmed or declined once. */
function Dual({ orgId }: { orgId: string }) {
  const { t } = useI18n();
  const run = useRun();
  const list = useRegistrations(orgId);
  const decide = usePartyMutation(({ id, ok }: { id: string; ok: boolean }) => decideRegistration(id, ok));
  const items = [...(list.data?.items ?? [])].sort(
    (a, b) => Number(b.status === 'pending') - Number(a.status === 'pending'),
  );
  return (
    <Table
      rowKey="id"
      size="small"
      loading={list.isPending}
      dataSource={items}
      data-testid="dual-queue"
      columns={[
        { title: t('party.dual.name'), dataIndex: 'name' },
        { title: t('party.dual.unit'), dataIndex: 'workUnit' },
        { title: t('party.dual.requested'), dataIndex: 'requestedAt', render: day },
        {
          title: t('party.dual.status'),
          dataIndex: 'status',
          render: (s: string) => (
            <Tag color={s === 'pending' ? 'gold' : s === 'confirmed' ? 'green' : 'default'}>
              {t(`party.dual.status.${s}` as MessageKey)}
            </Tag>
          ),
        },
        {
          title: t('party.dual.hours'),
          dataIndex: 'confirmedMinutes',
          render: (m: number) => hours(m),
        },
        {
          title: '',
          key: 'decide',
          render: (_: unknown, r: { id: string; status: string }) =>
            r.status === 'pending' ? (
              <Space>
                <Button
                  size="small"
                  type="primary"
                  data-testid="dual-confirm"
                  onClick={() => void run(decide.mutateAsync({ id: r.id, ok: true }))}
                >
                  {t('party.dual.confirm')}
                </Button>
                <Button size="small" onClick={() => void run(decide.mutateAsync({ id: r.id, ok: false }))}>
                  {t('party.dual.refuse')}
                </Button>
              </Space>
            ) : null,
        },
      ]}
    />
  );
}

/** The community's 志愿岗位 a 双报到 member picks from. */
function Posts({ orgId }: { orgId: string }) {
  const { t } = useI18n();
  const run = useRun();
  const posts = usePosts(orgId);
  const create = usePartyMutation((name: string) => createPost(orgId, name));
  const [name, setName] = useState('');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space.Compact>
        <Input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('party.org.name')} />
        <Button
          disabled={name.trim() === ''}
          onClick={() => void run(create.mutateAsync(name.trim()).then(() => setName('')))}
        >
          {t('party.posts.new')}
        </Button>
      </Space.Compact>
      <Table
        rowKey="id"
        size="small"
        loading={posts.isPending}
        dataSource={posts.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('party.org.name'), dataIndex: 'name' },
          { title: '', dataIndex: 'description', render: (d: string | null) => d ?? '' },
        ]}
      />
    </Space>
  );
}

/**
 * The alliance's needs list (需求清单) and resources list (资源清单): the same card — an entry by title,
 * a resource also by the unit that offers it — told apart by this table.
 */
const ALLIANCE_LISTS = [
  { id: 'needs', title: 'party.alliance.needs', statusKey: 'party.need.status', isByUnit: false },
  { id: 'resources', title: 'party.alliance.resources', statusKey: 'party.resource.status', isByUnit: true },
] as const satisfies readonly { id: 'needs' | 'resources'; title: MessageKey; statusKey: string; isByUnit: boolean }[];

type ListSpec = (typeof ALLIANCE_LISTS)[number];
type ListRow = { id: string; title: string; status: string; unitName?: string };

function AllianceListCard({
  spec,
  rows,
  units,
  canManage,
  isLoading,
  add,
}: {
  spec: ListSpec;
  rows: readonly ListRow[];
  units: { value: string; label: string }[];
  canManage: boolean;
  isLoading: boolean;
  /** the write; the entry is cleared once it succeeded */
  add: (entry: { unitId?: string; title: string }) => Promise<unknown>;
}) {
  const { t } = useI18n();
  const run = useRun();
  const [entry, setEntry] = useState<{ unitId?: string; title: string }>({ title: '' });
  const isReady = entry.title.trim() !== '' && (!spec.isByUnit || entry.unitId !== undefined);
  return (
    <Card size="small" title={t(spec.title)} data-testid={`alliance-${spec.id}-card`}>
      {canManage && (
        <Space.Compact style={{ marginBottom: 8 }}>
          {spec.isByUnit && (
            <Select
              style={{ width: 200 }}
              options={units}
              value={entry.unitId}
              onChange={(unitId: string) => setEntry({ ...entry, unitId })}
              placeholder={t('party.alliance.unit')}
            />
          )}
          <Input
            value={entry.title}
            onChange={(e) => setEntry({ ...entry, title: e.target.value })}
            placeholder={t('party.alliance.title')}
          />
          <Button
            disabled={!isReady}
            onClick={() => void run(add({ ...entry, title: entry.title.trim() }).then(() => setEntry({ title: '' })))}
          >
            {t('party.alliance.add')}
          </Button>
        </Space.Compact>
      )}
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        loading={isLoading}
        dataSource={[...rows]}
        data-testid={`alliance-${spec.id}`}
        columns={[
          { title: t('party.alliance.title'), dataIndex: 'title' },
          ...(spec.isByUnit ? [{ title: t('party.alliance.unit'), dataIndex: 'unitName' }] : []),
          {
            title: t('party.dual.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag>{t(`${spec.statusKey}.${s}` as MessageKey)}</Tag>,
          },
        ]}
      />
    </Card>
  );
}

/** One alliance: its member units and 大党委, and the three lists — needs, resources, projects with owner, milestones, status. */
function AllianceLists({ alliance }: { alliance: Alliance }) {
  const { t } = useI18n();
  const run = useRun();
  const lists = useAllianceLists(alliance.id);
  const need = usePartyMutation((title: string) => addNeed(alliance.id, title));
  const resource = usePartyMutation(({ unitId, title }: { unitId?: string; title: string }) =>
    addResource(alliance.id, unitId!, title),
  );
  const project = usePartyMutation((body: Parameters<typeof addProject>[1]) => addProject(alliance.id, body));
  const move = usePartyMutation(({ p, to }: { p: Project; to: Project['status'] }) => moveProject(p.id, to, p.version));
  const milestone = usePartyMutation(completeMilestone);
  const [proj, setProj] = useState<{ title: string; ownerUnitId?: string; needId?: string; milestone: string }>({
    title: '',
    milestone: '',
  });
  const units = alliance.units.map((u) => ({ value: u.id, label: u.name }));
  const data = lists.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Typography.Paragraph>
        <b>{t('party.alliance.units')}：</b>
        {alliance.units.map((u) => u.name).join('、')}
        <br />
        <b>{t('party.alliance.council')}：</b>
        {alliance.council.map((c) => `${c.name}（${c.post}）`).join('、')}
      </Typography.Paragraph>
      {ALLIANCE_LISTS.map((spec) => (
        <AllianceListCard
          key={spec.id}
          spec={spec}
          rows={data?.[spec.id] ?? []}
          units={units}
          canManage={alliance.canManage}
          isLoading={lists.isPending}
          add={(entry) => (spec.id === 'needs' ? need.mutateAsync(entry.title) : resource.mutateAsync(entry))}
        />
      ))}
      <Card size="small" title={t('party.alliance.projects')}>
        {alliance.canManage && (
          <Space.Compact style={{ marginBottom: 8 }}>
            <Input
              value={proj.title}
              onChange={(e) => setProj({ ...proj, title: e.target.value })}
              placeholder={t('party.alliance.title')}
            />
            <Select
              style={{ width: 180 }}
              options={units}
              value={proj.ownerUnitId}
              onChange={(ownerUnitId: string) => setProj({ ...proj, ownerUnitId })}
              placeholder={t('party.alliance.owner')}
            />
            <Select
              style={{ width: 180 }}
              allowClear
              options={(data?.needs ?? [])
                .filter((n) => n.status === 'open')
                .map((n) => ({ value: n.id, label: n.title }))}
              value={proj.needId}
              onChange={(needId: string | undefined) => setProj({ ...proj, needId })}
              placeholder={t('party.alliance.needs')}
            />
            <Input
              value={proj.milestone}
              onChange={(e) => setProj({ ...proj, milestone: e.target.value })}
              placeholder={t('party.alliance.milestones')}
            />
            <Button
              disabled={proj.title.trim() === '' || proj.ownerUnitId === undefined}
              onClick={() =>
                void run(
                  project
                    .mutateAsync({
                      title: proj.title.trim(),
                      ownerUnitId: proj.ownerUnitId!,
                      ...(proj.needId === undefined ? {} : { needId: proj.needId }),
                      milestones: proj.milestone.trim() === '' ? [] : [{ title: proj.milestone.trim() }],
                    })
                    .then(() => setProj({ title: '', milestone: '' })),
                )
              }
            >
              {t('party.alliance.newProject')}
            </Button>
          </Space.Compact>
        )}
        <Table<Project>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={data?.projects ?? []}
          data-testid="alliance-projects"
          columns={[
            { title: t('party.alliance.title'), dataIndex: 'title' },
            { title: t('party.alliance.owner'), dataIndex: 'ownerName' },
            {
              title: t('party.alliance.milestones'),
              key: 'milestones',
              render: (_: unknown, p) => (
                <Space wrap>
                  {p.milestones.map((m) =>
                    m.doneAt !== null ? (
                      <Tag key={m.id} color="green">
                        {m.title}
                      </Tag>
                    ) : (
                      <Tag key={m.id}>
                        {m.title}
                        {alliance.canManage && (
                          <a style={{ marginLeft: 4 }} onClick={() => void run(milestone.mutateAsync(m.id))}>
                            {t('party.alliance.milestoneDone')}
                          </a>
                        )}
                      </Tag>
                    ),
                  )}
                </Space>
              ),
            },
            {
              title: t('party.dual.status'),
              key: 'status',
              render: (_: unknown, p) => (
                <Space>
                  <Tag color={p.status === 'done' ? 'green' : p.status === 'in_progress' ? 'blue' : 'default'}>
                    {t(`party.project.status.${p.status}` as MessageKey)}
                  </Tag>
                  {alliance.canManage && p.status === 'planned' && (
                    <Button size="small" onClick={() => void run(move.mutateAsync({ p, to: 'in_progress' }))}>
                      {t('party.project.start')}
                    </Button>
                  )}
                  {alliance.canManage && p.status === 'in_progress' && (
                    <Button size="small" onClick={() => void run(move.mutateAsync({ p, to: 'done' }))}>
                      {t('party.project.finish')}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

function Alliances() {
  const { t } = useI18n();
  const alliances = useAlliances();
  const items = alliances.data?.items ?? [];
  if (!alliances.isPending && items.length === 0) return <Empty description={t('party.alliance.none')} />;
  return (
    <Tabs
      items={items.map((a) => ({
        key: a.id,
        label: `${a.name} · ${a.orgName}`,
        children: <AllianceLists alliance={a} />,
      }))}
    />
  );
}

/** 党建与双报到 in the console: party organisations with members, 双报到 confirmations, service posts, the alliance's lists. */
export function PartyPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const first = me?.assignments[0];
  if (first === undefined) return <Empty />;
  const orgId = first.orgId;
  return (
    <Card title={`${t('nav.party')} · ${first.orgName}`}>
      <Tabs
        items={[
          { key: 'orgs', label: t('party.tab.orgs'), children: <Orgs orgId={orgId} /> },
          { key: 'dual', label: t('party.tab.dual'), children: <Dual orgId={orgId} /> },
          { key: 'posts', label: t('party.tab.posts'), children: <Posts orgId={orgId} /> },
          { key: 'alliance', label: t('party.tab.alliance'), children: <Alliances /> },
        ]}
      />
    </Card>
  );
}
