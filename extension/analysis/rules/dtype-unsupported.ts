/** dtype-unsupported: a dtype the called library refuses (float32 into flash-attn). */
import { dtypeWarningRule } from './dtype-warnings';

export default dtypeWarningRule({ code: 'dtype-unsupported', severity: 'error', description: 'a dtype the called library refuses (float32 into flash-attn)' });
