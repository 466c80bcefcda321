import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Flex, Form, Input, InputNumber, Modal } from 'antd';
import { api, unwrap } from '../../../api/client';
import type { Household, HouseholdCreateBody, OrgUnit } from '../../../api/types';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';
import { registryKeys } from './queries';

interface HouseholdForm {
  orgId: string;
  address: string;
  buildingName?: string;
  unitNo?: string;
  roomNo?: string;
  lng?: number | null;
  lat?: number | null;
}

const FIELDS = ['orgId', 'address', 'buildingName', 'unitNo', 'roomNo', 'lng', 'lat'] as const;

function toBody(values: HouseholdForm): HouseholdCreateBody {
  const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  const buildingName = text(values.buildingName);
  const unitNo = text(values.unitNo);
  const roomNo = text(values.roomNo);
  return {
    orgId: values.orgId,
    address: values.address.trim(),
    ...(buildingName === undefined ? {} : { buildingName }),
    ...(unitNo === undefined ? {} : { unitNo }),
    ...(roomNo === undefined ? {} : { roomNo }),
    ...(typeof values.lng === 'number' ? { lng: values.lng } : {}),
    ...(typeof values.lat === 'number' ? { lat: values.lat } : {}),
  };
}

interface CreateHouseholdModalProps {
  open: boolean;
  /** the unit the list shows; preselected when it is a grid */
  unit: OrgUnit | undefined;
  onClose: () => void;
  onCreated: (household: Household) => void;
}

/** 新建住户: a household in a grid (or in a community, whose grid the server finds from the coordinates). */
export function CreateHouseholdModal({ open, unit, onClose, onCreated }: CreateHouseholdModalProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<HouseholdForm>();
  const isUsableUnit = unit !== undefined && ['grid', 'group', 'community'].includes(unit.level);

  const create = useMutation({
    mutationFn: (values: HouseholdForm) => unwrap(api.POST('/api/v1/households', { body: toBody(values) })),
    onSuccess: async (household) => {
      void message.success(t('household.created'));
      await queryClient.invalidateQueries({ queryKey: registryKeys.all });
      onCreated(household);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n, FIELDS)) void message.error(errorText(error, i18n));
    },
  });

  return (
    <Modal
      title={t('household.create')}
      open={open}
      width={600}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.create')}
      confirmLoading={create.isPending}
      destroyOnHidden
    >
      <Form<HouseholdForm>
        form={form}
        layout="vertical"
        requiredMark="optional"
        preserve={false}
        initialValues={isUsableUnit ? { orgId: unit.id } : {}}
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(values) => create.mutate(values)}
        data-testid="create-household-form"
      >
        <Form.Item
          name="orgId"
          label={t('household.org')}
          rules={[{ required: true, message: t('common.required') }]}
          extra={t('household.orgHint')}
        >
          <OrgUnitSelect initialUnit={isUsableUnit ? unit : undefined} />
        </Form.Item>
        <Form.Item
          name="address"
          label={t('household.address')}
          rules={[
            { required: true, whitespace: true, message: t('common.required') },
            { min: 2, message: t('household.addressShort') },
          ]}
        >
          <Input maxLength={120} placeholder={t('household.addressPlaceholder')} />
        </Form.Item>
        <Flex gap={12}>
          <Form.Item name="buildingName" label={t('household.building')} style={{ flex: 2 }}>
            <Input maxLength={40} placeholder={t('household.buildingPlaceholder')} />
          </Form.Item>
          <Form.Item name="unitNo" label={t('household.unitNo')} style={{ flex: 1 }}>
            <Input maxLength={10} />
          </Form.Item>
          <Form.Item name="roomNo" label={t('household.roomNo')} style={{ flex: 1 }}>
            <Input maxLength={10} />
          </Form.Item>
        </Flex>
        <Flex gap={12}>
          <Form.Item name="lng" label={t('household.lng')} style={{ flex: 1 }}>
            <InputNumber min={73} max={136} step={0.0001} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="lat" label={t('household.lat')} style={{ flex: 1 }}>
            <InputNumber min={3} max={54} step={0.0001} style={{ width: '100%' }} />
          </Form.Item>
        </Flex>
      </Form>
    </Modal>
  );
}
