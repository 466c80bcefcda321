import { Empty, Spin, Tag, Tree, type TreeDataNode } from 'antd';
import { useEffect, useMemo, useRef } from 'react';
import { useI18n } from '../../app/i18n';
import { LEVEL_COLOR, LEVEL_LABEL } from './levels';
import type { OrgTreeNode, OrgTreeState } from './useOrgTree';

interface OrgTreeProps {
  tree: OrgTreeState;
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}

export function OrgTree({ tree, selectedId, onSelect }: OrgTreeProps) {
  const { t } = useI18n();

  const treeData = useMemo(() => {
    const toData = (node: OrgTreeNode): TreeDataNode => ({
      key: node.unit.id,
      title: (
        <span className="tz-tree-title" data-org-id={node.unit.id}>
          {node.unit.name}
          <Tag color={LEVEL_COLOR[node.unit.level]} variant="filled" style={{ marginInlineStart: 6, fontSize: 11 }}>
            {t(LEVEL_LABEL[node.unit.level])}
          </Tag>
        </span>
      ),
      isLeaf: node.children !== undefined ? node.children.length === 0 : !node.unit.hasChildren,
      ...(node.children === undefined ? {} : { children: node.children.map(toData) }),
    });
    return tree.nodes.map(toData);
  }, [tree.nodes, t]);

  // Once the selected unit shows in the tree (its ancestors may load later), scroll it into view, once.
  const scrolledTo = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (selectedId === undefined || scrolledTo.current === selectedId) return;
    const element = document.querySelector(`[data-org-id="${CSS.escape(selectedId)}"]`);
    if (element === null) return;
    element.scrollIntoView({ block: 'nearest' });
    scrolledTo.current = selectedId;
  }, [selectedId, treeData]);

  if (tree.isLoading) return <Spin style={{ display: 'block', margin: 24 }} />;
  if (treeData.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;

  return (
    <Tree
      blockNode
      showLine
      treeData={treeData}
      selectedKeys={selectedId === undefined ? [] : [selectedId]}
      expandedKeys={tree.expandedIds}
      loadedKeys={[...tree.childrenById.keys()]}
      onExpand={(keys) => tree.setExpandedIds(keys.map(String))}
      loadData={(node) => tree.loadChildren(String(node.key))}
      onSelect={(keys) => {
        const key = keys[0];
        if (key !== undefined) onSelect(String(key));
      }}
    />
  );
}
