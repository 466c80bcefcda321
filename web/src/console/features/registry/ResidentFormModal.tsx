import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Checkbox,
  DatePicker,
  Flex,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Switch,
  Typography,
  type FormRule,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, ApiError, unwrap } from '../../../api/client';
import type {
  Gender,
  ResidenceType,
  Resident,
  ResidentCreateBody,
  ResidentStatus,
  ResidentUpdateBody,
} from '../../../api/types';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { dayjs } from '../../../shared/time';
import { ageOf, ID_PROBLEM_MESSAGE, isValidPhone, parseIdNumber } from './idNumber';
import { registryKeys, useCareTags, useHousehold } from './queries';
import {
  ETHNICITIES,
  GENDER_LABEL,
  RELATIONS,
  RESIDENCE_TYPE_LABEL,
  RESIDENCE_TYPES,
  STATUS_LABEL,
  STATUSES,
} from './vocabulary';

interface ResidentForm {
  name: string;
  hasNoId: boolean;
  idNumber?: string;
  noIdReason?: string;
  gender?: Gender;
  birthDate?: Dayjs | null;
  phone?: string;
  ethnicity: string;
  relation: string;
  residenceType: ResidenceType;
  status: ResidentStatus;
  careTags: string[];
  isPartyMember: boolean;
  notes?: string;
}

const FIELDS = [
  'name',
  'idNumber',
  'noIdReason',
  'gender',
  'birthDate',
  'phone',
  'ethnicity',
  'relation',
  'residenceType',
  'status',
  'careTags',
  'isPartyMember',
  'notes',
] as const;

type Target = { mode: 'create'; householdId: string; hasHead: boolean } | { mode: 'edit'; resident: Resident };

function initialValues(target: Target): Partial<ResidentForm> {
  if (target.mode === 'create') {
    return {
      hasNoId: false,
      ethnicity: '汉族',
      relation: target.hasHead ? undefined : '户主',
      residenceType: 'registered',
      status: 'living',
      careTags: [],
      isPartyMember: false,
    };
  }
  const r = target.resident;
  return {
    name: r.name,
    hasNoId: r.idNumber === null,
    noIdReason: r.noIdReason ?? undefined,
    gender: r.gender,
    // null when the caller may not see the full date: the field stays empty and an empty one is kept
    birthDate: r.birthDate === null ? null : dayjs(r.birthDate),
    ethnicity: r.ethnicity,
    relation: r.relation,
    residenceType: r.residenceType,
    status: r.status,
    careTags: r.careTags.filter((tag) => !tag.isDerived).map((tag) => tag.code),
    isPartyMember: r.isPartyMember,
    notes: r.notes ?? undefined,
  };
}

const trimmed = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

function identityOf(values: ResidentForm) {
  if (values.hasNoId) {
    return {
      noIdReason: trimmed(values.noIdReason),
      gender: values.gender,
      birthDate: values.birthDate?.format('YYYY-MM-DD'),
    };
  }
  return { idNumber: trimmed(values.idNumber) };
}

function commonOf(values: ResidentForm) {
  return {
    name: values.name.trim(),
    ethnicity: values.ethnicity,
    relation: values.relation,
    residenceType: values.residenceType,
    status: values.status,
    careTags: values.careTags,
    // 党员 is a membership with her place's party organisation, not a care tag
    isPartyMember: values.isPartyMember,
  };
}

/** Only what the user typed: empty number fields in the edit form mean "keep the stored one". */
function toUpdateBody(values: ResidentForm, resident: Resident): ResidentUpdateBody {
  const identity = identityOf(values);
  const phone = trimmed(values.phone);
  const hadId = resident.idNumber !== null;
  const body = { version: resident.version, ...commonOf(values), notes: trimmed(values.notes) ?? null };
  if (values.hasNoId) {
    return {
      ...body,
      ...(hadId ? { idNumber: null } : {}),
      noIdReason: identity.noIdReason ?? null,
      ...(identity.gender ? { gender: identity.gender } : {}),
      ...(identity.birthDate ? { birthDate: identity.birthDate } : {}),
      ...(phone ? { phone } : {}),
    } as ResidentUpdateBody;
  }
  return {
    ...body,
    ...(identity.idNumber ? { idNumber: identity.idNumber } : {}),
    ...(hadId ? {} : { noIdReason: null }),
    ...(phone ? { phone } : {}),
  } as ResidentUpdateBody;
}

interface ResidentFormModalProps {
  target: Target | null;
  onClose: () => void;
  /** a duplicate ID number points at the resident already registered with it */
  onOpenExisting?: (residentId: string) => void;
}

/** Registers a resident in a household, or edits one; numbers are checked as they are typed. */
export function ResidentFormModal({ target, onClose, onOpenExisting }: ResidentFormModalProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ResidentForm>();
  const hasNoId = Form.useWatch('hasNoId', form) ?? false;
  const idNumber = Form.useWatch('idNumber', form) ?? '';
  const [existingId, setExistingId] = useState<string | null>(null);
  const [isElsewhere, setElsewhere] = useState(false);
  const [isStale, setStale] = useState(false);
  const isEdit = target?.mode === 'edit';
  const resident = target?.mode === 'edit' ? target.resident : undefined;
  const household = useHousehold(target?.mode === 'create' ? target.householdId : undefined);
  // the tags usable where the resident lives: built-in ones and those of her units
  const careTags = useCareTags(resident?.orgId ?? household.data?.orgId);
  const isBirthHidden = resident !== undefined && resident.birthDate === null;

  const requestMove = useMutation({
    mutationFn: () => {
      if (target?.mode !== 'create') throw new Error('no household');
      return unwrap(
        api.POST('/api/v1/resident-move-requests', {
          body: { idNumber: idNumber.trim(), householdId: target.householdId },
        }),
      );
    },
    onSuccess: async () => {
      void message.success(t('moveRequest.sent'));
      await queryClient.invalidateQueries({ queryKey: registryKeys.moveRequests('outgoing') });
      onClose();
    },
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const save = useMutation({
    mutationFn: async (values: ResidentForm) => {
      if (target === null) throw new Error('no target');
      if (target.mode === 'create') {
        const phone = trimmed(values.phone);
        const notes = trimmed(values.notes);
        const identity = identityOf(values);
        return unwrap(
          api.POST('/api/v1/residents', {
            body: {
              householdId: target.householdId,
              ...commonOf(values),
              ...(identity.idNumber ? { idNumber: identity.idNumber } : {}),
              ...(identity.noIdReason ? { noIdReason: identity.noIdReason } : {}),
              ...(identity.gender ? { gender: identity.gender } : {}),
              ...(identity.birthDate ? { birthDate: identity.birthDate } : {}),
              ...(phone ? { phone } : {}),
              ...(notes ? { notes } : {}),
            } as ResidentCreateBody,
          }),
        );
      }
      return unwrap(
        api.PATCH('/api/v1/residents/{id}', {
          params: { path: { id: target.resident.id } },
          body: toUpdateBody(values, target.resident),
        }),
      );
    },
    onSuccess: async (saved) => {
      void message.success(isEdit ? t('common.saved') : t('resident.created', { name: saved.name }));
      await queryClient.invalidateQueries({ queryKey: registryKeys.all });
      onClose();
    },
    onError: (error) => {
      if (error instanceof ApiError && error.errors.some((e) => e.code === 'stale_version')) {
        setStale(true);
        return;
      }
      if (error instanceof ApiError && error.errors.some((e) => e.code === 'registered_elsewhere')) {
        setElsewhere(true);
        return;
      }
      const duplicate = error instanceof ApiError ? error.errors.find((e) => e.code === 'duplicate_id_number') : null;
      if (duplicate && 'existingResidentId' in duplicate && typeof duplicate.existingResidentId === 'string') {
        setExistingId(duplicate.existingResidentId);
      }
      if (!showFieldErrors(form, error, i18n, FIELDS)) void message.error(errorText(error, i18n));
    },
  });

  const parsed = idNumber.trim() === '' ? null : parseIdNumber(idNumber);
  const required = { required: true, message: t('common.required') };

  // Errors while typing only once the number is complete; an incomplete one is refused on leaving the field.
  const idRules: FormRule[] = [
    { required: !isEdit || resident?.idNumber === null, message: t('resident.id.required') },
    {
      validator: (_r, value: string | undefined) => {
        const v = value?.trim() ?? '';
        if (v.length < 18) return Promise.resolve();
        const result = parseIdNumber(v);
        return result.ok ? Promise.resolve() : Promise.reject(new Error(t(ID_PROBLEM_MESSAGE[result.problem])));
      },
    },
    {
      validateTrigger: 'onBlur',
      validator: (_r, value: string | undefined) => {
        const v = value?.trim() ?? '';
        if (v === '' || v.length >= 18) return Promise.resolve();
        return Promise.reject(new Error(t('resident.id.format')));
      },
    },
  ];

  const facts =
    parsed?.ok === true ? (
      <Typography.Text type="success" data-testid="id-facts">
        {t('resident.id.facts', {
          birthDate: parsed.facts.birthDate,
          gender: t(GENDER_LABEL[parsed.facts.gender]),
          age: ageOf(parsed.facts.birthDate),
        })}
      </Typography.Text>
    ) : resident?.idNumber ? (
      t('resident.keepNumber', { masked: resident.idNumber })
    ) : null;
  const idExtra = (
    <>
      {facts}
      {existingId !== null && onOpenExisting && (
        <div>
          <Typography.Link onClick={() => onOpenExisting(existingId)} data-testid="open-existing">
            {t('resident.openExisting')}
          </Typography.Link>
        </div>
      )}
    </>
  );

  return (
    <Modal
      title={isEdit ? t('resident.edit', { name: resident?.name ?? '' }) : t('resident.create')}
      open={target !== null}
      width={720}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={isEdit ? t('common.save') : t('common.create')}
      confirmLoading={save.isPending}
      destroyOnHidden
      afterOpenChange={(open) => {
        if (open && target !== null) {
          form.resetFields();
          form.setFieldsValue(initialValues(target));
          setExistingId(null);
          setElsewhere(false);
          setStale(false);
        }
      }}
    >
      {isElsewhere && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('resident.registeredElsewhere')}
          action={
            target?.mode === 'create' ? (
              <Button size="small" loading={requestMove.isPending} onClick={() => requestMove.mutate()}>
                {t('moveRequest.send')}
              </Button>
            ) : undefined
          }
          data-testid="registered-elsewhere"
        />
      )}
      {isStale && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('resident.stale')}
          data-testid="stale-warning"
        />
      )}
      <Form<ResidentForm>
        form={form}
        layout="vertical"
        requiredMark="optional"
        onValuesChange={(changed: Partial<ResidentForm>) => {
          clearErrorsOnChange(form)(changed);
          if ('idNumber' in changed) {
            setExistingId(null);
            setElsewhere(false);
          }
        }}
        onFinish={(values) => save.mutate(values)}
        data-testid="resident-form"
      >
        <Flex gap={12}>
          <Form.Item
            name="name"
            label={t('resident.name')}
            rules={[{ ...required, whitespace: true }]}
            style={{ flex: 1 }}
          >
            <Input maxLength={40} autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="phone"
            label={t('resident.phone')}
            style={{ flex: 1 }}
            extra={resident?.phone ? t('resident.keepNumber', { masked: resident.phone }) : null}
            rules={[
              {
                validator: (_r, value: string | undefined) =>
                  !value?.trim() || isValidPhone(value)
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('resident.phoneInvalid'))),
              },
            ]}
          >
            <Input maxLength={20} inputMode="tel" autoComplete="off" />
          </Form.Item>
        </Flex>
        <Form.Item name="hasNoId" valuePropName="checked" style={{ marginBottom: 8 }}>
          <Checkbox>{t('resident.hasNoId')}</Checkbox>
        </Form.Item>
        {hasNoId ? (
          <Flex gap={12}>
            <Form.Item
              name="noIdReason"
              label={t('resident.noIdReason')}
              rules={[
                { ...required, whitespace: true },
                { min: 2, message: t('resident.noIdReasonShort') },
              ]}
              style={{ flex: 2 }}
            >
              <Input maxLength={100} placeholder={t('resident.noIdReasonPlaceholder')} />
            </Form.Item>
            <Form.Item name="gender" label={t('resident.gender')} rules={[required]} style={{ flex: 1 }}>
              <Radio.Group
                optionType="button"
                options={(['male', 'female'] as const).map((g) => ({ value: g, label: t(GENDER_LABEL[g]) }))}
              />
            </Form.Item>
            <Form.Item
              name="birthDate"
              label={t('resident.birthDate')}
              rules={isBirthHidden ? [] : [required]}
              extra={isBirthHidden && resident ? t('resident.birthDateKeep', { year: resident.birthYear }) : undefined}
              style={{ flex: 1 }}
            >
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs())} />
            </Form.Item>
          </Flex>
        ) : (
          <Form.Item
            name="idNumber"
            label={t('resident.idNumber')}
            rules={idRules}
            validateTrigger={['onChange', 'onBlur']}
            extra={idExtra}
          >
            <Input
              maxLength={18}
              autoComplete="off"
              className="tz-mono"
              placeholder={resident?.idNumber ?? t('resident.idNumberPlaceholder')}
            />
          </Form.Item>
        )}
        <Flex gap={12}>
          <Form.Item name="relation" label={t('resident.relation')} rules={[required]} style={{ flex: 1 }}>
            <Select showSearch options={RELATIONS.map((r) => ({ value: r, label: t(`relation.${r}`) }))} />
          </Form.Item>
          <Form.Item name="ethnicity" label={t('resident.ethnicity')} rules={[required]} style={{ flex: 1 }}>
            <Select showSearch options={ETHNICITIES.map((e) => ({ value: e, label: e }))} />
          </Form.Item>
          <Form.Item name="status" label={t('resident.status')} rules={[required]} style={{ flex: 1 }}>
            <Select options={STATUSES.map((s) => ({ value: s, label: t(STATUS_LABEL[s]) }))} />
          </Form.Item>
        </Flex>
        <Form.Item name="residenceType" label={t('resident.residenceType')} rules={[required]}>
          <Radio.Group
            optionType="button"
            options={RESIDENCE_TYPES.map((r) => ({ value: r, label: t(RESIDENCE_TYPE_LABEL[r]) }))}
          />
        </Form.Item>
        <Form.Item name="careTags" label={t('resident.careTags')} extra={t('resident.careTagsHint')}>
          <Select
            mode="multiple"
            allowClear
            loading={careTags.isPending}
            options={(careTags.data ?? [])
              .filter((tag) => !tag.isDerived)
              .map((tag) => ({ value: tag.code, label: tag.name }))}
          />
        </Form.Item>
        <Form.Item
          name="isPartyMember"
          label={t('resident.isPartyMember')}
          valuePropName="checked"
          extra={t('resident.isPartyMemberHint')}
        >
          <Switch data-testid="resident-party-member" />
        </Form.Item>
        <Form.Item name="notes" label={t('resident.notes')}>
          <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
