import { useQuery } from '@tanstack/react-query';
import { Card, Flex, Progress, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { ApiError } from '../api/client';
import type { paths } from '../api/schema';
import { usePublicI18n } from './i18n';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type PublicDecisions = Json<paths['/api/v1/public/communities/{code}/decisions']['get']['responses'][200]>;

/** Fen as yuan, grouped: 6000000 → 60,000. */
const yuan = (fen: number) => (fen / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 });

async function fetchDecisions(code: string): Promise<PublicDecisions> {
  let response: Response;
  try {
    response = await fetch(`/api/v1/public/communities/${encodeURIComponent(code)}/decisions`, {
      credentials: 'omit',
      headers: { accept: 'application/json' },
    });
  } catch {
    throw new ApiError(0, undefined);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) return body as PublicDecisions;
  throw new ApiError(response.status, typeof body === 'object' && body !== null ? body : undefined);
}

/**
 * 议事公开: the community's council decisions — the votes under the council's rules, the funding split,
 * the milestones and how far they got (Decidim's accountability). Nothing shown names a resident.
 */
export function CouncilDecisions({ code }: { code: string }) {
  const { t } = usePublicI18n();
  const decisions = useQuery({
    queryKey: ['public', 'decisions', code],
    queryFn: () => fetchDecisions(code),
    staleTime: 60_000,
  });
  const items = decisions.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section data-testid="public-decisions">
      <Typography.Title level={4}>{t('public.decisions')}</Typography.Title>
      <Flex vertical gap={12}>
        {items.map((d) => (
          <Card
            key={d.id}
            size="small"
            data-testid="public-decision"
            title={d.title}
            extra={dayjs(d.decidedAt).format('YYYY-MM-DD')}
          >
            <Typography.Paragraph>
              <Tag color={d.result === 'adopted' ? 'green' : 'red'}>
                {t(d.result === 'adopted' ? 'public.decision.adopted' : 'public.decision.rejected')}
              </Tag>
              {d.resolution}
            </Typography.Paragraph>
            <Typography.Paragraph type="secondary">
              {t('public.decision.votes', {
                council: d.councilName,
                eligible: d.eligible,
                present: d.present,
                yes: d.yes,
                no: d.no,
                abstain: d.abstain,
              })}
            </Typography.Paragraph>
            {d.funding !== null && (
              <Typography.Paragraph data-testid="public-decision-funding">
                {t('public.decision.funding', {
                  owners: yuan(d.funding.ownersFen),
                  subsidy: yuan(d.funding.subsidyFen),
                  company: yuan(d.funding.companyFen),
                })}
              </Typography.Paragraph>
            )}
            {d.result === 'adopted' && (
              <>
                <Progress percent={d.progress} size="small" data-testid="public-decision-progress" />
                <ul className="tz-public-milestones">
                  {d.milestones.map((m) => (
                    <li key={`${m.title}${m.dueDate}`}>
                      {m.isDone ? '✓ ' : '○ '}
                      {m.title} · {m.ownerName} · {m.dueDate}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </Card>
        ))}
      </Flex>
    </section>
  );
}
