import { defineTable } from '../i18n.js';

export const forms = defineTable(
  {
    nameBlank: '{field}: give a name',
    nameTooLong: '{field}: {n} characters, at most {max} are allowed',
    nameIllegalChar: '{field}: "{ch}" is not allowed; use letters, digits, %, |, _ and -',
    queueNums: '{field}: {value} is not allowed; give a whole number from {min} to {max}',
    intRange: '{field}: {value} is not allowed; give a whole number from {min} to {max}',
    timeFuture: 'Reset time is in the future; pick a time up to now',
    timeNegative: 'Reset time is before 1970',
    timeMissing: 'Pick a date and time',
    delayLevel: 'Delay level: give a level from 1 to {max}',
    deliverPast: 'Delivery time is in the past; pick a later time',
    refused: 'The console refused this; nothing was changed',
    checkFields: 'Fix these fields; nothing was sent',
  },
  {
    nameBlank: '{field}：请填写名称',
    nameTooLong: '{field}：共 {n} 个字符，最多允许 {max} 个',
    nameIllegalChar: '{field}：不允许使用 "{ch}"；只能使用字母、数字、%、|、_ 和 -',
    queueNums: '{field}：不允许 {value}；请填写 {min} 到 {max} 之间的整数',
    intRange: '{field}：不允许 {value}；请填写 {min} 到 {max} 之间的整数',
    timeFuture: '重置时间在未来；请选择不晚于现在的时间',
    timeNegative: '重置时间早于 1970 年',
    timeMissing: '请选择日期和时间',
    delayLevel: '延迟级别：请填写 1 到 {max} 之间的级别',
    deliverPast: '投递时间已过；请选择更晚的时间',
    refused: '控制台拒绝了该操作，未做任何修改',
    checkFields: '请修正以下字段；未发送任何请求',
  },
);
