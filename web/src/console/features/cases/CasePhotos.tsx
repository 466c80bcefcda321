import { Flex, Image } from 'antd';
import { useI18n } from '../../app/i18n';
import { photoUrl } from './queries';

/** Thumbnails of a case's photos; a click shows them large, one after another. */
export function CasePhotos({ caseId, photoIds, size = 88 }: { caseId: string; photoIds: string[]; size?: number }) {
  const { t } = useI18n();
  if (photoIds.length === 0) return null;
  return (
    <Image.PreviewGroup>
      <Flex gap={8} wrap data-testid="case-photos">
        {photoIds.map((photoId, i) => (
          <Image
            key={photoId}
            src={photoUrl(caseId, photoId)}
            alt={t('cases.photoAlt', { n: i + 1 })}
            width={size}
            height={size}
            style={{ objectFit: 'cover', borderRadius: 6 }}
          />
        ))}
      </Flex>
    </Image.PreviewGroup>
  );
}
