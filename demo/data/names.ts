/** Word lists for the demo manufacturer's world: Chinese cities and company words with their romanized and English forms. */
export const cities: Array<[zh: string, pinyin: string, areaCode: string]> = [
  ['杭州', 'Hangzhou', '571'],
  ['宁波', 'Ningbo', '574'],
  ['苏州', 'Suzhou', '512'],
  ['无锡', 'Wuxi', '510'],
  ['常州', 'Changzhou', '519'],
  ['温州', 'Wenzhou', '577'],
  ['台州', 'Taizhou', '576'],
  ['上海', 'Shanghai', '21'],
  ['天津', 'Tianjin', '22'],
  ['重庆', 'Chongqing', '23'],
  ['长春', 'Changchun', '431'],
  ['武汉', 'Wuhan', '27'],
  ['广州', 'Guangzhou', '20'],
  ['十堰', 'Shiyan', '719'],
  ['柳州', 'Liuzhou', '772'],
];

export const cores: Array<[zh: string, pinyin: string]> = [
  ['海通', 'Haitong'],
  ['华力', 'Huali'],
  ['远东', 'Yuandong'],
  ['金马', 'Jinma'],
  ['恒达', 'Hengda'],
  ['鑫源', 'Xinyuan'],
  ['宏大', 'Hongda'],
  ['永胜', 'Yongsheng'],
  ['瑞丰', 'Ruifeng'],
  ['天成', 'Tiancheng'],
  ['佳泰', 'Jiatai'],
  ['凯旋', 'Kaixuan'],
  ['博远', 'Boyuan'],
  ['力拓', 'Lituo'],
  ['精工', 'Jinggong'],
  ['三联', 'Sanlian'],
  ['万向', 'Wanxiang'],
  ['新锐', 'Xinrui'],
];

export const trades: Array<[zh: string, english: string]> = [
  ['汽车零部件', 'Auto Parts'],
  ['机械', 'Machinery'],
  ['制动系统', 'Brake Systems'],
  ['传动科技', 'Drivetrain Technology'],
  ['车桥', 'Axle'],
  ['精密锻造', 'Precision Forging'],
];

/** Part families: code, name, heat-treatment minutes per unit range, list price range (USD). */
export const partFamilies: Array<{
  code: string;
  name: string;
  heat: [number, number];
  price: [number, number];
}> = [
  { code: 'BD', name: 'Brake disc', heat: [1.0, 1.6], price: [38, 95] },
  { code: 'DS', name: 'Drive shaft', heat: [1.2, 1.8], price: [120, 260] },
  { code: 'GB', name: 'Gear blank', heat: [0.6, 1.0], price: [18, 45] },
  { code: 'SK', name: 'Steering knuckle', heat: [1.0, 1.4], price: [70, 150] },
  { code: 'BH', name: 'Bearing housing', heat: [0.7, 1.1], price: [25, 60] },
  { code: 'CA', name: 'Control arm', heat: [0.9, 1.3], price: [55, 120] },
  { code: 'HB', name: 'Hub bearing flange', heat: [0.8, 1.2], price: [30, 75] },
  { code: 'CS', name: 'Crankshaft blank', heat: [1.6, 2.4], price: [160, 320] },
];

export const grades = ['42CrMo', '40Cr', '20CrMnTi', 'QT500'];
export const sizes = [180, 220, 240, 280, 300, 320, 350];

export const opportunityStages = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
];
