/**
 * Word lists for company names. 84 prefixes × 60 industry words = 5,040 base names, so a
 * 4,000-account book has mostly distinct, plausible names ("Northwind Logistics", "Brightwater
 * Analytics GmbH"). Each entry is [display, ASCII slug for domains and emails].
 */

export type Word = readonly [display: string, slug: string];

export const PREFIXES: readonly Word[] = [
  ['Northwind', 'northwind'], ['Brightwater', 'brightwater'], ['Bluepeak', 'bluepeak'], ['Ironbridge', 'ironbridge'],
  ['Silverline', 'silverline'], ['Redwood', 'redwood'], ['Clearpath', 'clearpath'], ['Stonefield', 'stonefield'],
  ['Harborview', 'harborview'], ['Summit', 'summit'], ['Granite', 'granite'], ['Evergreen', 'evergreen'],
  ['Lakeshore', 'lakeshore'], ['Copperleaf', 'copperleaf'], ['Highland', 'highland'], ['Oakridge', 'oakridge'],
  ['Riverbend', 'riverbend'], ['Sunridge', 'sunridge'], ['Westbrook', 'westbrook'], ['Eastgate', 'eastgate'],
  ['Blackstone Ridge', 'blackstoneridge'], ['Pinecrest', 'pinecrest'], ['Meridian', 'meridian'], ['Keystone', 'keystone'],
  ['Fairhaven', 'fairhaven'], ['Crescent', 'crescent'], ['Brookside', 'brookside'], ['Tidewater', 'tidewater'],
  ['Cobalt', 'cobalt'], ['Vantage', 'vantage'], ['Atlas', 'atlas'], ['Beacon', 'beacon'],
  ['Cedar Point', 'cedarpoint'], ['Falcon', 'falcon'], ['Horizon', 'horizon'], ['Juniper', 'juniper'],
  ['Kestrel', 'kestrel'], ['Lighthouse', 'lighthouse'], ['Maple Leaf', 'mapleleaf'], ['Nimbus', 'nimbus'],
  ['Orchard', 'orchard'], ['Polaris', 'polaris'], ['Quarry', 'quarry'], ['Rockport', 'rockport'],
  ['Sapphire', 'sapphire'], ['Trident', 'trident'], ['Upland', 'upland'], ['Vertex', 'vertex'],
  ['Willowbrook', 'willowbrook'], ['Yellowstone', 'yellowstone'], ['Zephyr', 'zephyr'], ['Anchor', 'anchor'],
  ['Birchwood', 'birchwood'], ['Canyon', 'canyon'], ['Driftwood', 'driftwood'], ['Emberly', 'emberly'],
  ['Foxglove', 'foxglove'], ['Glacier', 'glacier'], ['Hollow Creek', 'hollowcreek'], ['Indigo', 'indigo'],
  ['Jetstream', 'jetstream'], ['Kingsbridge', 'kingsbridge'], ['Larkspur', 'larkspur'], ['Monarch', 'monarch'],
  ['Nordlicht', 'nordlicht'], ['Osprey', 'osprey'], ['Paragon', 'paragon'], ['Quicksilver', 'quicksilver'],
  ['Ravenswood', 'ravenswood'], ['Saltmarsh', 'saltmarsh'], ['Thornbury', 'thornbury'], ['Umber', 'umber'],
  ['Valley Forge', 'valleyforge'], ['Windward', 'windward'],
  // A few with non-ASCII letters, as real European company names have.
  ['Zürichsee', 'zuerichsee'], ['Ålesund', 'aalesund'], ['Nordström', 'nordstroem'], ['Kølle', 'koelle'],
  ['Société Lumière', 'societelumiere'], ['Málaga Sol', 'malagasol'], ['Łódź Tech', 'lodztech'], ['Göteborg', 'goeteborg'],
  ['Česká Brána', 'ceskabrana'], ['Éclair', 'eclair'],
];

/** Industry → words that name a company in it. 15 industries × 4 words. */
export const INDUSTRY_WORDS: ReadonlyArray<readonly [industry: string, words: readonly Word[]]> = [
  ['Transportation & Logistics', [['Logistics', 'logistics'], ['Freight', 'freight'], ['Shipping', 'shipping'], ['Transit', 'transit']]],
  ['Software', [['Software', 'software'], ['Labs', 'labs'], ['Systems', 'systems'], ['Cloud', 'cloud']]],
  ['Data & Analytics', [['Analytics', 'analytics'], ['Data', 'data'], ['Insights', 'insights'], ['Metrics', 'metrics']]],
  ['Healthcare', [['Health', 'health'], ['Medical', 'medical'], ['Clinics', 'clinics'], ['Care', 'care']]],
  ['Financial Services', [['Capital', 'capital'], ['Financial', 'financial'], ['Payments', 'payments'], ['Bank', 'bank']]],
  ['Manufacturing', [['Manufacturing', 'manufacturing'], ['Industries', 'industries'], ['Components', 'components'], ['Fabrication', 'fabrication']]],
  ['Retail', [['Retail', 'retail'], ['Outfitters', 'outfitters'], ['Market', 'market'], ['Goods', 'goods']]],
  ['Food & Beverage', [['Foods', 'foods'], ['Brewing', 'brewing'], ['Kitchens', 'kitchens'], ['Provisions', 'provisions']]],
  ['Energy & Utilities', [['Energy', 'energy'], ['Power', 'power'], ['Solar', 'solar'], ['Utilities', 'utilities']]],
  ['Construction', [['Construction', 'construction'], ['Builders', 'builders'], ['Engineering', 'engineering'], ['Contractors', 'contractors']]],
  ['Education', [['Learning', 'learning'], ['Academy', 'academy'], ['Education', 'education'], ['Schools', 'schools']]],
  ['Media & Marketing', [['Media', 'media'], ['Studios', 'studios'], ['Marketing', 'marketing'], ['Creative', 'creative']]],
  ['Real Estate', [['Properties', 'properties'], ['Realty', 'realty'], ['Estates', 'estates'], ['Housing', 'housing']]],
  ['Robotics & Hardware', [['Robotics', 'robotics'], ['Devices', 'devices'], ['Electronics', 'electronics'], ['Instruments', 'instruments']]],
  ['Professional Services', [['Consulting', 'consulting'], ['Partners', 'partners'], ['Advisory', 'advisory'], ['Group', 'group']]],
];

/** Legal-form suffixes by region, with `''` for none (most common). */
export const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  'North America - East': ['', '', '', 'Inc.', 'LLC', 'Corp.', 'Co.'],
  'North America - West': ['', '', '', 'Inc.', 'LLC', 'Corp.'],
  'North America - Central': ['', '', '', 'Inc.', 'LLC', 'Co.'],
  'EMEA - DACH': ['', 'GmbH', 'GmbH', 'AG', 'SE'],
  'EMEA - Nordics': ['', 'AB', 'AS', 'Oy', 'A/S'],
  'EMEA - UK & Ireland': ['', 'Ltd', 'Ltd', 'PLC', 'Group'],
  'EMEA - Southern Europe': ['', 'S.A.', 'S.p.A.', 'S.L.', 'SAS'],
  APAC: ['', 'Pte. Ltd.', 'Pty Ltd', 'K.K.', 'Limited'],
  LATAM: ['', 'S.A.', 'S.A. de C.V.', 'Ltda.'],
};

export const REGIONS: ReadonlyArray<readonly [string, number]> = [
  ['North America - East', 24],
  ['North America - West', 20],
  ['North America - Central', 12],
  ['EMEA - DACH', 10],
  ['EMEA - Nordics', 5],
  ['EMEA - UK & Ireland', 10],
  ['EMEA - Southern Europe', 6],
  ['APAC', 9],
  ['LATAM', 4],
];

export const TLDS: Readonly<Record<string, readonly string[]>> = {
  'EMEA - DACH': ['de', 'de', 'ch', 'at', 'com'],
  'EMEA - Nordics': ['se', 'no', 'dk', 'fi', 'com'],
  'EMEA - UK & Ireland': ['co.uk', 'co.uk', 'ie', 'com'],
  'EMEA - Southern Europe': ['es', 'it', 'fr', 'pt', 'com'],
  APAC: ['com', 'com.au', 'sg', 'jp', 'io'],
  LATAM: ['com', 'com.br', 'com.mx', 'cl'],
};

/** A few companies with CJK names, placed in APAC: [name, slug, industry]. */
export const CJK_COMPANIES: ReadonlyArray<readonly [string, string, string]> = [
  ['北京星河物流', 'xinghe-logistics', 'Transportation & Logistics'],
  ['上海云帆科技', 'yunfan-tech', 'Software'],
  ['深圳智联数据', 'zhilian-data', 'Data & Analytics'],
  ['杭州绿叶食品', 'lvye-foods', 'Food & Beverage'],
  ['東京マテリアル', 'tokyo-material', 'Manufacturing'],
  ['大阪ロボティクス', 'osaka-robotics', 'Robotics & Hardware'],
  ['서울헬스케어', 'seoul-healthcare', 'Healthcare'],
  ['广州海港贸易', 'haigang-trade', 'Retail'],
];

export const STAGES: ReadonlyArray<readonly [string, number]> = [
  ['prospect', 30],
  ['discovery', 12],
  ['evaluation', 8],
  ['negotiation', 4],
  ['customer', 30],
  ['churned', 6],
  ['closed lost', 10],
];

export const COMPETITORS = ['Acmetrics', 'Quotient CRM', 'PipeLion', 'Vexa', 'Salesforge', 'Leadwell', 'Outpost.io', 'Funnelry'] as const;

export const CITIES = ['Austin', 'Denver', 'Toronto', 'Chicago', 'Atlanta', 'Berlin', 'München', 'Stockholm', 'Dublin', 'Lisbon', 'Singapore', 'Sydney', 'São Paulo', 'Kraków', 'Zürich'] as const;
