import {
  createTheme,
  Badge,
  Button,
  ActionIcon,
  MultiSelect,
  Select,
  Table,
  TextInput,
  Tabs,
  Tooltip,
  SegmentedControl,
  NavLink,
} from '@mantine/core';

/** Dense and calm: small controls, a muted blue-grey primary, no loud colours except for states. */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 6, dark: 5 },
  defaultRadius: 'sm',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif',
  fontFamilyMonospace:
    'ui-monospace, "SFMono-Regular", "JetBrains Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
  components: {
    Button: Button.extend({ defaultProps: { size: 'xs' } }),
    ActionIcon: ActionIcon.extend({ defaultProps: { size: 'sm' } }),
    TextInput: TextInput.extend({ defaultProps: { size: 'xs' } }),
    Select: Select.extend({ defaultProps: { size: 'xs', allowDeselect: false } }),
    MultiSelect: MultiSelect.extend({ defaultProps: { size: 'xs' } }),
    SegmentedControl: SegmentedControl.extend({ defaultProps: { size: 'xs' } }),
    Badge: Badge.extend({ defaultProps: { size: 'sm', radius: 'sm', variant: 'light' } }),
    Table: Table.extend({ defaultProps: { fz: 'xs', verticalSpacing: 4, horizontalSpacing: 'xs' } }),
    Tabs: Tabs.extend({ defaultProps: { keepMounted: false } }),
    Tooltip: Tooltip.extend({ defaultProps: { fz: 'xs', openDelay: 250 } }),
    NavLink: NavLink.extend({ defaultProps: { fz: 'sm' } }),
  },
});
