/**
 * The fixed menu every sandbox restaurant starts from (prices jittered per restaurant), its modifier trees
 * (nested up to four levels: side -> fries -> truffle -> parmesan), and the names the weekly changes use.
 * Fictional, demo-only data.
 */

export const SALES_CATEGORIES = ['Food', 'Non-Alcoholic Beverage', 'Beer', 'Wine', 'Liquor', 'Retail'] as const;
/** Sales categories taxed with the liquor tax on top of sales tax. */
export const ALCOHOL_CATEGORIES = new Set([2, 3, 4]);

export interface OptionTemplate {
  name: string;
  cents: number;
  groups?: OptionGroupTemplate[];
}

export interface OptionGroupTemplate {
  name: string;
  /** Always chosen (a steak's temperature); optional groups are chosen sometimes. */
  required: boolean;
  options: OptionTemplate[];
}

const SIDE: OptionGroupTemplate = {
  name: 'Side',
  required: true,
  options: [
    {
      name: 'Fries',
      cents: 0,
      groups: [
        {
          name: 'Fries Style',
          required: true,
          options: [
            { name: 'Regular', cents: 0 },
            {
              name: 'Truffle',
              cents: 200,
              groups: [
                {
                  name: 'Truffle Extras',
                  required: false,
                  options: [
                    { name: 'Parmesan', cents: 100 },
                    { name: 'Extra Truffle Oil', cents: 150 },
                  ],
                },
              ],
            },
            { name: 'Sweet Potato', cents: 150 },
          ],
        },
      ],
    },
    {
      name: 'Side Salad',
      cents: 0,
      groups: [
        {
          name: 'Dressing',
          required: true,
          options: [
            { name: 'Ranch', cents: 0 },
            { name: 'Balsamic', cents: 0 },
            { name: 'Blue Cheese', cents: 75 },
          ],
        },
      ],
    },
    { name: 'Mashed Potatoes', cents: 100 },
  ],
};

const TEMPERATURE: OptionGroupTemplate = {
  name: 'Temperature',
  required: true,
  options: ['Rare', 'Medium Rare', 'Medium', 'Medium Well', 'Well Done'].map((name) => ({ name, cents: 0 })),
};

export const MODIFIER_TREES: Record<string, OptionGroupTemplate[]> = {
  burger: [
    TEMPERATURE,
    {
      name: 'Add-ons',
      required: false,
      options: [
        {
          name: 'Cheese',
          cents: 150,
          groups: [
            {
              name: 'Cheese Type',
              required: true,
              options: [
                { name: 'Cheddar', cents: 0 },
                { name: 'Swiss', cents: 0 },
                {
                  name: 'Blue',
                  cents: 50,
                  groups: [
                    {
                      name: 'Blue Style',
                      required: false,
                      options: [
                        { name: 'Crumbled', cents: 0 },
                        { name: 'Melted', cents: 0 },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        },
        { name: 'Bacon', cents: 250 },
        { name: 'Avocado', cents: 200 },
        { name: 'Fried Egg', cents: 175 },
      ],
    },
    SIDE,
  ],
  steak: [
    TEMPERATURE,
    {
      name: 'Sauce',
      required: false,
      options: [
        { name: 'Peppercorn', cents: 300 },
        { name: 'Chimichurri', cents: 250 },
        { name: 'Bearnaise', cents: 300 },
      ],
    },
    SIDE,
  ],
  entree: [SIDE],
  pasta: [
    {
      name: 'Pasta Add-ons',
      required: false,
      options: [
        { name: 'Grilled Chicken', cents: 600 },
        {
          name: 'Shrimp',
          cents: 800,
          groups: [
            {
              name: 'Shrimp Style',
              required: true,
              options: [
                { name: 'Grilled', cents: 0 },
                { name: 'Blackened', cents: 100 },
              ],
            },
          ],
        },
        { name: 'Gluten-Free Pasta', cents: 300 },
      ],
    },
  ],
  salad: [
    {
      name: 'Salad Protein',
      required: false,
      options: [
        { name: 'Chicken', cents: 600 },
        { name: 'Salmon', cents: 900 },
        { name: 'Tofu', cents: 400 },
      ],
    },
  ],
  cocktail: [
    {
      name: 'Spirit',
      required: true,
      options: [
        { name: 'House', cents: 0 },
        {
          name: 'Premium',
          cents: 400,
          groups: [
            {
              name: 'Premium Brand',
              required: true,
              options: [
                { name: 'Reserve', cents: 0 },
                { name: 'Small Batch', cents: 200 },
              ],
            },
          ],
        },
      ],
    },
    {
      name: 'Style',
      required: false,
      options: [
        { name: 'Up', cents: 0 },
        { name: 'Rocks', cents: 0 },
      ],
    },
  ],
  wine: [
    {
      name: 'Pour',
      required: true,
      options: [
        { name: 'Glass', cents: 0 },
        { name: 'Bottle', cents: 3600 },
      ],
    },
  ],
  coffee: [
    {
      name: 'Milk',
      required: false,
      options: [
        { name: 'Whole', cents: 0 },
        { name: 'Oat', cents: 75 },
        { name: 'Almond', cents: 75 },
      ],
    },
    {
      name: 'Extras',
      required: false,
      options: [
        { name: 'Extra Shot', cents: 100 },
        { name: 'Vanilla', cents: 75 },
      ],
    },
  ],
};

export interface ItemTemplate {
  name: string;
  cents: number;
  tree?: keyof typeof MODIFIER_TREES;
  /** Relative popularity on orders (default 2). */
  weight?: number;
}

export interface GroupTemplate {
  name: string;
  category: number;
  items: ItemTemplate[];
  groups?: GroupTemplate[];
}

export interface MenuTemplate {
  name: string;
  description: string | null;
  groups: GroupTemplate[];
}

/** The name of the group weekly specials are added to. */
export const SPECIALS_GROUP = 'Specials';

export const MENUS: MenuTemplate[] = [
  {
    name: 'Food',
    description: 'Lunch and dinner',
    groups: [
      {
        name: 'Starters',
        category: 0,
        items: [
          { name: 'Burrata', cents: 1400 },
          { name: 'Fried Calamari', cents: 1500, weight: 3 },
          { name: 'Chicken Wings', cents: 1300, weight: 3 },
          { name: 'Soup of the Day', cents: 900 },
        ],
      },
      {
        name: 'Salads',
        category: 0,
        items: [
          { name: 'Caesar Salad', cents: 1200, tree: 'salad', weight: 3 },
          { name: 'Beet Salad', cents: 1300, tree: 'salad' },
          { name: 'House Salad', cents: 1000, tree: 'salad' },
        ],
      },
      {
        name: 'Mains',
        category: 0,
        items: [],
        groups: [
          {
            name: 'Pasta',
            category: 0,
            items: [
              { name: 'Rigatoni Bolognese', cents: 2200, tree: 'pasta', weight: 3 },
              { name: 'Cacio e Pepe', cents: 1900, tree: 'pasta' },
              { name: 'Mushroom Risotto', cents: 2100 },
            ],
          },
          {
            name: 'Grill',
            category: 0,
            items: [
              { name: 'Burger', cents: 1800, tree: 'burger', weight: 5 },
              { name: 'Ribeye', cents: 4200, tree: 'steak', weight: 2 },
              { name: 'Half Chicken', cents: 2600, tree: 'entree' },
              { name: 'Salmon', cents: 2900, tree: 'entree' },
            ],
          },
        ],
      },
      {
        name: 'Sides',
        category: 0,
        items: [
          { name: 'Fries', cents: 600, weight: 3 },
          { name: 'Brussels Sprouts', cents: 800 },
          { name: 'Mac and Cheese', cents: 900 },
        ],
      },
      {
        name: 'Desserts',
        category: 0,
        items: [
          { name: 'Tiramisu', cents: 1000 },
          { name: 'Chocolate Cake', cents: 1100 },
          { name: 'Gelato', cents: 800 },
        ],
      },
      { name: SPECIALS_GROUP, category: 0, items: [] },
      {
        name: 'Retail',
        category: 5,
        items: [
          { name: 'House Hot Sauce', cents: 1200, weight: 1 },
          { name: 'Gift Box', cents: 3500, weight: 1 },
        ],
      },
    ],
  },
  {
    name: 'Drinks',
    description: null,
    groups: [
      {
        name: 'Cocktails',
        category: 4,
        items: [
          { name: 'Old Fashioned', cents: 1500, tree: 'cocktail', weight: 3 },
          { name: 'Margarita', cents: 1400, tree: 'cocktail', weight: 3 },
          { name: 'Negroni', cents: 1500, tree: 'cocktail' },
          { name: 'Espresso Martini', cents: 1600, tree: 'cocktail' },
        ],
      },
      {
        name: 'Beer',
        category: 2,
        items: [
          { name: 'IPA Draft', cents: 800, weight: 4 },
          { name: 'Pilsner', cents: 700, weight: 3 },
          { name: 'Stout', cents: 800 },
        ],
      },
      {
        name: 'Wine',
        category: 3,
        items: [],
        groups: [
          {
            name: 'Red',
            category: 3,
            items: [
              { name: 'Pinot Noir', cents: 1600, tree: 'wine', weight: 3 },
              { name: 'Cabernet Sauvignon', cents: 1800, tree: 'wine' },
              { name: 'Malbec', cents: 1400, tree: 'wine' },
            ],
          },
          {
            name: 'White',
            category: 3,
            items: [
              { name: 'Chardonnay', cents: 1500, tree: 'wine', weight: 3 },
              { name: 'Sauvignon Blanc', cents: 1300, tree: 'wine' },
            ],
          },
          {
            name: 'Sparkling',
            category: 3,
            items: [
              { name: 'Prosecco', cents: 1200, tree: 'wine' },
              { name: 'Champagne', cents: 2200, tree: 'wine', weight: 1 },
            ],
          },
        ],
      },
      {
        name: 'Soft Drinks and Coffee',
        category: 1,
        items: [
          { name: 'Soda', cents: 400, weight: 4 },
          { name: 'Iced Tea', cents: 400, weight: 3 },
          { name: 'Lemonade', cents: 500 },
          { name: 'Espresso', cents: 400, tree: 'coffee' },
          { name: 'Cappuccino', cents: 500, tree: 'coffee', weight: 3 },
        ],
      },
    ],
  },
  {
    name: 'Kids',
    description: 'For guests under 12',
    groups: [
      {
        name: 'Kids Menu',
        category: 0,
        items: [
          { name: 'Kids Pasta', cents: 900, weight: 1 },
          { name: 'Kids Burger', cents: 1000, weight: 1 },
        ],
      },
    ],
  },
];

/** Weekly specials, in the order they appear (cycled with a season number once exhausted). */
export const SPECIALS = [
  'Pumpkin Ravioli',
  'Short Rib Ragu',
  'Cioppino',
  'Duck Confit',
  'Spring Pea Risotto',
  'Lamb Shank',
  'Soft Shell Crab',
  'Heirloom Tomato Salad',
  'Lobster Roll',
  'Porchetta Sandwich',
  'Wild Mushroom Tart',
  'Braised Pork Belly',
  'Swordfish',
  'Corn Chowder',
  'Venison Chop',
  'Halibut',
  'Gnocchi Pomodoro',
  'Fried Chicken',
  'Scallops',
  'Chicken Pot Pie',
];

/** Words a weekly rename puts in front of an item's original name. */
export const RENAME_WORDS = ['House', 'Classic', "Chef's", 'Signature', 'Seasonal', 'Famous'];

export const REVENUE_CENTERS: [name: string, renamed: string][] = [
  ['Dining Room', 'Main Dining Room'],
  ['Bar', 'Bar and Lounge'],
  ['Patio', 'Garden Patio'],
  ['Online', 'Online Ordering'],
];

export const DINING_OPTIONS: [
  name: string,
  behavior: 'DINE_IN' | 'TAKE_OUT' | 'DELIVERY' | 'CURBSIDE',
  renamed: string,
][] = [
  ['Dine In', 'DINE_IN', 'Dine-In'],
  ['Take Out', 'TAKE_OUT', 'Takeout'],
  ['Delivery', 'DELIVERY', 'Local Delivery'],
  ['Curbside', 'CURBSIDE', 'Curbside Pickup'],
  ['Online Pickup', 'TAKE_OUT', 'Order Ahead Pickup'],
];

export interface DiscountTemplate {
  name: string;
  type: 'PERCENT' | 'FIXED' | 'OPEN_PERCENT' | 'OPEN_FIXED';
  cents: number | null;
  percentage: number | null;
  selectionType: 'CHECK' | 'ITEM';
}

/** The first four are toggled active/inactive by weekly changes; comps stay. */
export const DISCOUNTS: DiscountTemplate[] = [
  { name: 'Happy Hour', type: 'PERCENT', cents: null, percentage: 20, selectionType: 'ITEM' },
  { name: '$5 Off', type: 'FIXED', cents: 500, percentage: null, selectionType: 'CHECK' },
  { name: 'Loyalty Reward', type: 'PERCENT', cents: null, percentage: 10, selectionType: 'CHECK' },
  { name: 'Employee Meal', type: 'PERCENT', cents: null, percentage: 50, selectionType: 'CHECK' },
  { name: 'Manager Comp', type: 'OPEN_PERCENT', cents: null, percentage: null, selectionType: 'ITEM' },
  { name: 'Birthday Dessert', type: 'OPEN_FIXED', cents: null, percentage: null, selectionType: 'ITEM' },
];
export const TOGGLED_DISCOUNTS = 4;

export interface ServiceChargeTemplate {
  name: string;
  amountType: 'FIXED' | 'PERCENT';
  cents: number | null;
  percent: number | null;
  gratuity: boolean;
}

/** Applied to parties of six or more, to delivery orders, and to online pickup orders, in this order. */
export const SERVICE_CHARGES: ServiceChargeTemplate[] = [
  { name: 'Auto Gratuity', amountType: 'PERCENT', cents: null, percent: 18, gratuity: true },
  { name: 'Delivery Fee', amountType: 'FIXED', cents: 499, percent: null, gratuity: false },
  { name: 'Online Ordering Fee', amountType: 'FIXED', cents: 150, percent: null, gratuity: false },
];

export const RESTAURANT_NAMES = [
  'Harbor Kitchen',
  'Vine and Barrel',
  'Copper Pot',
  'Olive Street Bistro',
  'Juniper Tavern',
  'Saltwater Grill',
  'Maple Hearth',
  'Blue Door Cantina',
  'Fig and Fennel',
  'Iron Skillet',
  'Lantern House',
  'Golden Crust',
  'North Fork Diner',
];

export interface PlaceTemplate {
  timeZone: string;
  city: string;
  stateCode: string;
  zipCode: string;
  area: string;
  latitude: number;
  longitude: number;
  /** Sales tax, percent. */
  salesTax: number;
}

export const PLACES: PlaceTemplate[] = [
  {
    timeZone: 'America/New_York',
    city: 'New York',
    stateCode: 'NY',
    zipCode: '10014',
    area: '212',
    latitude: 40.7359,
    longitude: -74.0036,
    salesTax: 8.875,
  },
  {
    timeZone: 'America/Chicago',
    city: 'Chicago',
    stateCode: 'IL',
    zipCode: '60607',
    area: '312',
    latitude: 41.8841,
    longitude: -87.6478,
    salesTax: 10.25,
  },
  {
    timeZone: 'America/Los_Angeles',
    city: 'San Francisco',
    stateCode: 'CA',
    zipCode: '94110',
    area: '415',
    latitude: 37.7599,
    longitude: -122.4148,
    salesTax: 8.625,
  },
  {
    timeZone: 'America/Denver',
    city: 'Denver',
    stateCode: 'CO',
    zipCode: '80205',
    area: '303',
    latitude: 39.7589,
    longitude: -104.9719,
    salesTax: 8.81,
  },
  {
    timeZone: 'America/Phoenix',
    city: 'Phoenix',
    stateCode: 'AZ',
    zipCode: '85004',
    area: '602',
    latitude: 33.4484,
    longitude: -112.074,
    salesTax: 8.6,
  },
];
