"""The tables the demo recipes are put together from (see generator.py), and the
word lists the benchmark and the search tests rely on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import Formatter
from typing import NamedTuple, TypeVar

_T = TypeVar("_T")

# Share of recipes (0..1) containing each common word, as measured over 50,000 recipes (seed 0).
COMMON_TERMS: dict[str, float] = {
    "salt": 0.67,
    "garlic": 0.53,
    "onion": 0.31,
    "butter": 0.27,
    "chicken": 0.24,
    "lemon": 0.15,
}

# word -> (period, offset): recipe number i (0-based) has the word when i % period == offset.
RARE_TERMS: dict[str, tuple[int, int]] = {
    "quince": (5000, 1234),
    "sumac": (5000, 2718),
    "kohlrabi": (2500, 777),
    "yuzu": (10000, 4321),
}

ABSENT_TERMS: tuple[str, ...] = ("zeppelin", "xylophone", "quokka", "blorft")

_RARE_LINES: dict[str, tuple[str, ...]] = {
    "quince": ("1 ripe quince, peeled, cored and diced", "2 tbsp quince paste"),
    "sumac": ("1 tsp sumac", "2 tsp ground sumac, plus extra to serve"),
    "kohlrabi": ("1 small kohlrabi, peeled and cut into matchsticks",),
    "yuzu": ("1 tbsp yuzu juice",),
}


# --- Table format -------------------------------------------------------------------------------
#
# An ingredient is one line "name|amounts|preps|flags|title|dishes|weight"; only the name is required.
#   name     as in the ingredient line; a [bracketed] part is left out where the steps name it
#   amounts  ";"-separated; "=2 onions" is the whole start of the line (the name is not repeated)
#   preps    ";"-separated, appended after a comma ("finely chopped")
#   flags    diet: m meat, f fish, d dairy, e egg, g gluten, n nuts;
#            how a main cooks: B browned first, P simmered/stirred in, L added late (fish, seafood);
#            role in the steps: S spice, W wet/sauce, H finish/herb, V vegetable, X extra,
#            F fat, U sugar, E eggs, D dry mix, M melted (chocolate); R fruit (sweet flavours)
#   title    the word in a recipe title ("chicken" for "boneless chicken thighs"); default: the name
#   dishes   ","-separated dish keys this main suits, or "-key"s it does not (empty: all)
#   weight   how often it is picked, relative to the others in its table (default 1)


class _Ing(NamedTuple):
    name: str
    step: str
    amounts: tuple[str, ...]
    preps: tuple[str, ...]
    flags: str
    title: str
    dishes: frozenset[str]
    weight: float
    role: str  # the step placeholder it fills ("A": a sweet flavour)


def _role(flags: str) -> str:
    for letter in "SWHVXFUEDMB":
        if letter in flags:
            return letter
    return "A"


def _split(text: str, sep: str = ";") -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(sep) if part.strip())


def _specs(text: str) -> tuple[_Ing, ...]:
    items = []
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split("|")] + [""] * 6
        name, amounts, preps, flags, title, dishes, weight = parts[:7]
        full = name.replace("[", "").replace("]", "")
        step = re.sub(r"\[[^\]]*\]", "", name).strip()
        items.append(
            _Ing(
                full,
                step,
                _split(amounts),
                _split(preps),
                flags,
                title or step,
                frozenset(_split(dishes, ",")),
                float(weight or 1),
                _role(flags),
            )
        )
    return tuple(items)


class _Step(NamedTuple):
    probability: float
    needs: tuple[str, ...]  # context keys that must be non-empty
    forbids: tuple[str, ...]  # context keys that must be empty
    parts: tuple[tuple[str, tuple[str, ...]], ...]  # (text, the keys an [optional] part needs)


def _fields(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in Formatter().parse(template) if name)


def _steps(text: str) -> tuple[_Step, ...]:
    """Step templates, one a line: "probability|conditions|text". Conditions are context keys that must be
    set ("key") or unset ("!key"). Every {field} of the text must be set too, except in [optional parts],
    which are left out when one of theirs is not."""
    steps = []
    for raw in text.strip().splitlines():
        probability, conditions, template = (part.strip() for part in raw.split("|", 2))
        parts = []
        needs = {c for c in conditions.split() if not c.startswith("!")}
        for i, part in enumerate(re.split(r"\[([^\]]*)\]", template)):
            if i % 2:  # inside brackets
                parts.append((part, _fields(part)))
            elif part:
                parts.append((part, ()))
                needs.update(_fields(part))
        forbids = tuple(c[1:] for c in conditions.split() if c.startswith("!"))
        steps.append(_Step(float(probability), tuple(sorted(needs)), forbids, tuple(parts)))
    return tuple(steps)


@dataclass(frozen=True, slots=True)
class _Dish:
    key: str
    nouns: tuple[str, ...]
    meals: tuple[str, ...]  # the first tag, picked from these
    tag: str  # the dish's own tag ("soup", "baking"), or ""
    prep: tuple[int, int]
    cook: tuple[int, int]
    rest: tuple[int, ...]  # extra minutes counted in a given total time (rising, chilling)
    servings: tuple[str, ...]
    steps: tuple[_Step, ...]
    extras: tuple[_Ing, ...] = ()  # always in the recipe ("{noun}" in a name is the dish noun)
    optional: tuple[_Ing, ...] = ()  # each in about half the recipes
    second: tuple[_Ing, ...] = ()  # the second section (dressing, icing, crumble topping)
    second_header: str = "To serve:"
    liquid: bool = False
    sweet: bool = False
    oven: str = ""  # oven temperature, if it uses the oven
    title_verb: str = ""  # "roast" in "Lemon-garlic roast chicken"
    flavours: str = ""  # sweet dishes: "R" for fruit only, "bread" for the bread flavours
    pick_one_extra: bool = False  # one of the extras, not all of them
    first_header: str = ""  # default "For the <noun>:"
    second_first: bool = False  # the second section comes first (a cheesecake's base)


@dataclass(frozen=True, slots=True)
class _Cuisine:
    key: str
    adjective: str  # "Thai", or "" for everyday cooking
    tag: str
    weight: float
    dishes: tuple[str, ...]
    flavourings: tuple[_Ing, ...]
    garnishes: tuple[_Ing, ...]
    aromatics: tuple[_Ing, ...]
    fats: tuple[_Ing, ...]
    places: tuple[str, ...]


class _Classic(NamedTuple):
    title: str
    cuisine: str
    dish: str
    noun: str
    ingredients: tuple[_Ing, ...]  # the first is the main (savoury) or the flavours (sweet)


# --- Savoury ingredients ------------------------------------------------------------------------

_PROTEINS = _specs("""
[boneless ]chicken thighs|600 g;800 g;=8 chicken thighs|cut into bite-size pieces;trimmed|mB|chicken|-burger,-frittata|8
[skinless ]chicken breasts|=2 chicken breasts;500 g|sliced;cut into strips|mB|chicken|-burger,-frittata|6
chicken drumsticks|=8 chicken drumsticks;1 kg|skin on|mB|chicken|stew,roast,curry,bake|2
[lean ]beef mince|500 g;400 g;750 g||mB|beef|pasta,tacos,bake,burger,curry,stew,bowl|3
[stewing ]beef|800 g;1 kg|cut into large chunks|mB|beef|stew,curry,soup,bake|2
sirloin steak|=2 sirloin steaks;400 g|thinly sliced|mB|steak|stirfry,salad,tacos,bowl|1
[boneless ]pork shoulder|1 kg;1.2 kg|cut into chunks|mB|pork|stew,tacos,roast,curry|2
pork chops|=4 pork chops||mB|pork chop|roast,bake|1
[pork ]sausages|=8 pork sausages;=6 sausages;400 g||mB|sausage|stew,bake,pasta,roast|2
pork mince|400 g;500 g||mB|pork|stirfry,pasta,burger,bowl|1
lamb shoulder|1 kg;1.5 kg|cut into chunks|mB|lamb|stew,roast,curry|1
lamb mince|500 g||mB|lamb|burger,bake,curry,stew|1
salmon fillets|=4 salmon fillets;500 g|skin on;skinned|fL|salmon|roast,stirfry,salad,bowl,pasta,curry,frittata|3
cod fillets|=4 cod fillets;600 g|skinned and cut into chunks|fL|cod|roast,stew,curry,tacos,soup|2
[raw king ]prawns|300 g;400 g;250 g|peeled and deveined|fL|prawn|stirfry,pasta,curry,tacos,salad,risotto,soup|3
canned tuna|=2 cans tuna (160 g each)|drained|fP|tuna|pasta,salad,bake|1
mussels|1 kg|scrubbed and debearded|fL|mussel|stew,soup,pasta|0.5
[canned ]chickpeas|400 g;800 g;=1 can (400 g) chickpeas;=2 cans chickpeas|drained and rinsed|P|chickpea||4
red lentils|200 g;250 g;300 g|rinsed|P|red lentil|soup,curry,stew|3
[dried ]green lentils|200 g|rinsed|P|lentil|soup,stew,salad,bowl|1
[canned ]black beans|400 g;=2 cans black beans|drained and rinsed|P|black bean|tacos,soup,stew,bowl,burger,salad|2
[canned ]cannellini beans|400 g;=2 cans cannellini beans|drained|P|white bean|soup,stew,pasta,salad,bake|1.5
[canned ]kidney beans|400 g;=1 can (400 g) kidney beans|drained and rinsed|P|bean|stew,tacos,curry,bowl|1
[firm ]tofu|400 g;280 g|pressed and cubed|B|tofu|stirfry,curry,bowl,salad,tacos,soup|3
halloumi|=1 block halloumi (250 g);225 g|sliced|dB|halloumi|salad,roast,bowl,tacos,burger|1
paneer|250 g;400 g|cubed|dB|paneer|curry,tacos,bowl,roast|1
[chestnut ]mushrooms|400 g;250 g|sliced;quartered|B|mushroom|stirfry,pasta,risotto,soup,stew,tacos,frittata,bake|2
tempeh|200 g|sliced|B|tempeh|stirfry,bowl,salad|0.5
cauliflower|=1 cauliflower;=1 large cauliflower|cut into florets|P|cauliflower|curry,roast,soup,bake,salad|1
aubergines|=2 aubergines;=1 large aubergine|cut into chunks|B|aubergine|curry,roast,stew,bake,pasta|1
sweet potatoes|=2 sweet potatoes;600 g|peeled and cubed|P|sweet potato|curry,roast,soup,stew,tacos,bowl|1
butternut squash|=1 small butternut squash;700 g|peeled and cubed|P|squash|soup,risotto,roast,curry,stew,pasta|1
""")

_VEGETABLES = _specs("""
[baby ]spinach|100 g;200 g;2 large handfuls||V|spinach
carrots|=2 carrots;=3 carrots|peeled and diced;sliced|V|carrot
courgettes|=2 courgettes;=1 courgette|sliced;diced|V|courgette
red peppers|=2 red peppers;=1 red pepper|deseeded and sliced;diced|V|pepper
cherry tomatoes|250 g;300 g|halved|V|tomato
[ripe ]tomatoes|=4 ripe tomatoes;=3 tomatoes|chopped|V|tomato
[canned ]chopped tomatoes|400 g;800 g;=1 can (400 g) chopped tomatoes;=2 cans chopped tomatoes||VW|tomato
broccoli|=1 head broccoli;300 g|cut into florets|V|broccoli
kale|150 g;100 g|stalks removed, leaves shredded|V|kale
cavolo nero|200 g|shredded|V|cavolo nero
[frozen ]peas|150 g;200 g||V|pea
new potatoes|500 g;750 g|halved|V|potato
leeks|=2 leeks|trimmed and sliced|V|leek
sweetcorn|1 can (200 g);150 g|drained|V|sweetcorn
green beans|200 g|trimmed|V|green bean
savoy cabbage|=½ savoy cabbage|shredded|V|cabbage
celery|=2 sticks celery|finely diced|V|celery
fennel|=1 fennel bulb|thinly sliced|V|fennel
beetroot|=3 beetroot;400 g|peeled and cut into wedges|V|beetroot
asparagus|=1 bunch asparagus;250 g|woody ends snapped off|V|asparagus
pak choi|=2 heads pak choi|quartered|V|pak choi
cucumber|=1 cucumber;=½ cucumber|diced|V|cucumber
rocket|70 g;2 handfuls||V|rocket
mangetout|150 g||V|mangetout
""")

_ONIONS = _specs("""
onion|=1 onion;=2 onions;=1 large onion|finely chopped;diced;sliced||onion|||5
red onion|=1 red onion;=2 red onions|finely chopped;thinly sliced||onion|||2
shallots|=2 shallots;=4 shallots|finely chopped||shallot|||1.5
spring onions|=4 spring onions;=1 bunch spring onions|sliced||spring onion|||1
""")

_GARLIC = _specs(
    "garlic|=2 cloves garlic;=3 cloves garlic;=4 garlic cloves;=1 head garlic|crushed;finely chopped;sliced"
)[0]
_CHILLI = _specs("red chilli|=1 red chilli;=2 red chillies|deseeded and finely chopped;sliced")[0]

_SEASONING = (
    "Salt and freshly ground black pepper",
    "1 pinch sea salt",
    "1 tsp fine salt",
    "Sea salt and black pepper, to taste",
    "½ tsp salt",
    "Salt, to taste",
)

_STOCKS = {
    "chicken": _specs("chicken stock|500 ml;750 ml;1 litre;300 ml")[0],
    "beef": _specs("beef stock|500 ml;750 ml;1 litre")[0],
    "veg": _specs("vegetable stock|500 ml;750 ml;1 litre;300 ml")[0],
    "fish": _specs("fish stock|500 ml;750 ml|f")[0],
}

_FATS = _specs("""
olive oil|1 tbsp;2 tbsp;3 tbsp||F|||4
vegetable oil|1 tbsp;2 tbsp||F|||2
butter|30 g;2 tbsp;25 g||dF|||2
rapeseed oil|2 tbsp||F
""")


def _herb(name: str) -> str:
    return f"[fresh ]{name}|=1 small bunch {name};1 handful;20 g|chopped;leaves picked|H"


_CUISINES: tuple[_Cuisine, ...] = (
    _Cuisine(
        "everyday",
        "",
        "",
        20,
        ("stew", "soup", "roast", "pasta", "stirfry", "salad", "bake", "burger", "bowl", "frittata", "risotto"),
        _specs(f"""
lemon|=1 lemon;=2 lemons|zested and juiced;juiced|H
{_herb("flat-leaf parsley")}
Dijon mustard|1 tbsp;2 tsp||W
soy sauce|2 tbsp;1 tbsp||gW
smoked paprika|1 tsp;2 tsp||S
honey|1 tbsp;2 tsp||W
red chilli flakes|½ tsp;1 pinch||S
[fresh ]thyme|=4 sprigs thyme;=6 sprigs fresh thyme|leaves picked|S
ground cumin|1 tsp;2 tsp||S
pesto|3 tbsp;2 tbsp||dW
tomato purée|1 tbsp;2 tbsp||W
mature cheddar|100 g;150 g|grated|dH
"""),
        _specs(f"""
{_herb("parsley")}
lemon wedges||to serve|H
crusty bread||to serve|gH
crème fraîche|4 tbsp||dH
toasted mixed nuts|2 tbsp|roughly chopped|nH
"""),
        (),
        _FATS,
        (
            "my grandmother's kitchen",
            "a friend's dinner party",
            "a rainy Sunday",
            "a cookbook I found at a flea market",
        ),
    ),
    _Cuisine(
        "italian",
        "Italian",
        "italian",
        12,
        ("stew", "soup", "pasta", "risotto", "bake", "salad", "roast"),
        _specs(f"""
{_herb("basil")}
dried oregano|1 tsp;2 tsp||S
Parmesan|50 g;80 g;1 handful|finely grated|dH
[canned ]chopped tomatoes|400 g;800 g;=1 can (400 g) chopped tomatoes;=2 cans chopped tomatoes||W
balsamic vinegar|1 tbsp;2 tbsp||W
[fresh ]rosemary|=2 sprigs rosemary;=1 sprig rosemary|leaves finely chopped|S
red chilli flakes|½ tsp;1 pinch||S
capers|1 tbsp;2 tbsp|drained;rinsed|W
black olives|80 g;1 handful|pitted;halved|H
mozzarella|125 g;=1 ball mozzarella (125 g)|torn|dH
pine nuts|30 g;2 tbsp|toasted|nH
"""),
        _specs("""
basil leaves||to serve|H
grated Parmesan||to serve|dH
extra-virgin olive oil||for drizzling|H
"""),
        (),
        _specs("olive oil|2 tbsp;3 tbsp;4 tbsp||F"),
        ("Bologna", "Naples", "a trattoria in Rome", "Sicily", "Liguria"),
    ),
    _Cuisine(
        "mexican",
        "Mexican",
        "mexican",
        9,
        ("stew", "soup", "tacos", "salad", "bake", "bowl", "burger"),
        _specs(f"""
ground cumin|1 tsp;2 tsp||S
chilli powder|1 tsp;2 tsp||S
smoked paprika|1 tsp||S
jalapeño|=1 jalapeño;=2 jalapeños|deseeded and finely chopped;sliced|S
lime|=1 lime;=2 limes|juiced;zested and juiced|H
{_herb("coriander")}
chipotle paste|1 tbsp;2 tsp||W
dried Mexican oregano|1 tsp||S
tomatillos|=4 tomatillos|husked and chopped|W
"""),
        _specs("""
avocado|=1 ripe avocado;=2 avocados|sliced;diced|H
sour cream|4 tbsp;150 ml||dH
queso fresco|100 g|crumbled|dH
pickled red onion|2 tbsp||H
lime wedges||to serve|H
"""),
        (),
        _specs("vegetable oil|1 tbsp;2 tbsp||F"),
        ("Oaxaca", "Mexico City", "Puebla", "a taquería in Guadalajara"),
    ),
    _Cuisine(
        "indian",
        "Indian",
        "indian",
        9,
        ("curry", "soup", "roast", "salad", "bowl", "stew"),
        _specs(f"""
garam masala|1 tsp;2 tsp||S
ground turmeric|½ tsp;1 tsp||S
cumin seeds|1 tsp;2 tsp||S
ground coriander|1 tsp;2 tsp||S
coconut milk|400 ml;1 can (400 ml)||W
natural yoghurt|150 g;4 tbsp||dW
tomato purée|2 tbsp||W
curry leaves|=10 curry leaves;=1 handful curry leaves||S
black mustard seeds|1 tsp||S
cardamom pods|=4 cardamom pods;=6 cardamom pods|lightly crushed|S
dried fenugreek leaves|1 tsp||H
{_herb("coriander")}
"""),
        _specs("""
basmati rice|300 g;250 g|to serve|X
naan breads|=4 naan breads|to serve|gX
lime wedges||to serve|H
mango chutney||to serve|H
"""),
        _specs("""
[fresh ]ginger|=1 thumb-sized piece ginger;=3 cm piece ginger;1 tbsp|grated;finely chopped
green chillies|=2 green chillies;=1 green chilli|slit lengthways;finely chopped
"""),
        _specs("ghee|2 tbsp;1 tbsp||dF\nvegetable oil|2 tbsp||F"),
        ("Kerala", "Punjab", "Mumbai", "Hyderabad", "a Goan beach shack"),
    ),
    _Cuisine(
        "thai",
        "Thai",
        "thai",
        6,
        ("curry", "soup", "stirfry", "salad", "bowl"),
        _specs("""
red curry paste|2 tbsp;3 tbsp||S
green curry paste|2 tbsp;3 tbsp||S
fish sauce|1 tbsp;2 tbsp||fW
lemongrass|=2 stalks lemongrass;=1 stalk lemongrass|bruised;finely chopped|S
makrut lime leaves|=4 makrut lime leaves;=6 makrut lime leaves|shredded|S
coconut milk|400 ml;1 can (400 ml)||W
palm sugar|1 tbsp;2 tsp|grated|W
Thai basil|=1 handful Thai basil||H
lime|=1 lime;=2 limes|juiced|H
galangal|=3 cm piece galangal|sliced|S
"""),
        _specs("""
chopped roasted peanuts|2 tbsp;3 tbsp||nH
jasmine rice||to serve|X
[fresh ]coriander||to serve|H
lime wedges||to serve|H
"""),
        _specs("""
[fresh ]ginger|=1 thumb-sized piece ginger|grated
bird's eye chillies|=2 bird's eye chillies;=3 bird's eye chillies|sliced
"""),
        _specs("vegetable oil|1 tbsp;2 tbsp||F\ncoconut oil|1 tbsp||F"),
        ("Bangkok", "Chiang Mai", "a night market in Phuket"),
    ),
    _Cuisine(
        "french",
        "French",
        "french",
        7,
        ("stew", "soup", "roast", "bake", "salad", "risotto"),
        _specs("""
[fresh ]thyme|=4 sprigs thyme;=6 sprigs thyme||S
Dijon mustard|1 tbsp;2 tsp||W
dry white wine|150 ml;250 ml||W
red wine|250 ml;500 ml||W
crème fraîche|150 ml;200 g||dW
[fresh ]tarragon|=1 small bunch tarragon|chopped|H
bay leaves|=2 bay leaves;=3 bay leaves||S
smoked bacon lardons|150 g;200 g||mW
Gruyère|100 g;150 g|grated|dH
herbes de Provence|1 tsp;2 tsp||S
"""),
        _specs("""
[flat-leaf ]parsley||chopped, to serve|H
crusty baguette||to serve|gX
green salad||to serve|X
"""),
        _specs("garlic|=2 cloves garlic|crushed"),
        _specs("butter|30 g;50 g||dF\nolive oil|2 tbsp||F"),
        ("Lyon", "Provence", "a Paris bistro", "Burgundy", "Normandy"),
    ),
    _Cuisine(
        "german",
        "German",
        "german",
        4,
        ("stew", "soup", "roast", "bake", "salad"),
        _specs("""
caraway seeds|1 tsp||S
wholegrain mustard|1 tbsp;2 tbsp||W
sauerkraut|300 g;400 g|drained|W
Emmentaler|150 g;200 g|grated|dH
juniper berries|=4 juniper berries;=6 juniper berries|crushed|S
sweet paprika|1 tsp;2 tsp||S
dried marjoram|1 tsp||S
apple cider vinegar|1 tbsp;2 tbsp||W
speck|100 g|diced|mW
"""),
        _specs("""
[fresh ]chives||snipped, to serve|H
crispy fried onions|3 tbsp||gH
rye bread||to serve|gX
"""),
        (),
        _specs("butter|30 g;40 g||dF\nrapeseed oil|2 tbsp||F"),
        ("Swabia", "Bavaria", "the Black Forest", "Berlin"),
    ),
    _Cuisine(
        "japanese",
        "Japanese",
        "japanese",
        4,
        ("soup", "stirfry", "bowl", "salad", "curry"),
        _specs("""
soy sauce|2 tbsp;3 tbsp||gW
mirin|1 tbsp;2 tbsp||W
white miso paste|1 tbsp;2 tbsp||W
toasted sesame oil|1 tsp;2 tsp||W
rice vinegar|1 tbsp;2 tbsp||W
dashi|500 ml;750 ml||fW
shichimi togarashi|½ tsp||S
"""),
        _specs("""
toasted sesame seeds|1 tbsp||H
spring onions|=2 spring onions|thinly sliced|H
nori|=1 sheet nori|shredded|H
steamed rice||to serve|X
"""),
        _specs("[fresh ]ginger|=1 thumb-sized piece ginger;2 tsp|grated"),
        _specs("vegetable oil|1 tbsp;2 tbsp||F"),
        ("Osaka", "Tokyo", "Hokkaido", "a ramen bar in Fukuoka"),
    ),
    _Cuisine(
        "chinese",
        "Chinese",
        "chinese",
        5,
        ("stirfry", "soup", "stew", "bowl"),
        _specs("""
soy sauce|2 tbsp;3 tbsp||gW
Shaoxing rice wine|1 tbsp;2 tbsp||gW
oyster sauce|2 tbsp||fW
star anise|=2 star anise;=1 star anise||S
Chinese five-spice|1 tsp;½ tsp||S
Sichuan peppercorns|1 tsp|toasted and ground|S
hoisin sauce|2 tbsp;3 tbsp||gW
chilli bean paste|1 tbsp;2 tbsp||W
cornflour|1 tsp;2 tsp|mixed with 2 tbsp water|W
"""),
        _specs("""
spring onions|=3 spring onions|shredded|H
toasted sesame seeds|1 tbsp||H
steamed rice||to serve|X
chilli oil|1 tbsp;to taste||H
"""),
        _specs("[fresh ]ginger|=1 thumb-sized piece ginger;1 tbsp|finely chopped;julienned"),
        _specs("vegetable oil|2 tbsp||F\ngroundnut oil|2 tbsp||F"),
        ("Sichuan", "Guangzhou", "Shanghai", "a dim sum house in Hong Kong"),
    ),
    _Cuisine(
        "greek",
        "Greek",
        "greek",
        4,
        ("roast", "salad", "bake", "stew", "burger"),
        _specs(f"""
feta|200 g;150 g|crumbled|dH
dried oregano|1 tsp;2 tsp||S
lemon|=1 lemon;=2 lemons|zested and juiced|H
Kalamata olives|100 g|pitted|H
{_herb("dill")}
Greek yoghurt|150 g;200 g||dW
cinnamon stick|=1 cinnamon stick||S
red wine vinegar|1 tbsp;2 tbsp||W
"""),
        _specs("""
[flat-leaf ]parsley||chopped, to serve|H
lemon wedges||to serve|H
tzatziki|150 g||dH
warm pitta breads|=4 warm pitta breads||gX
"""),
        (),
        _specs("extra-virgin olive oil|3 tbsp;4 tbsp||F"),
        ("Crete", "Thessaloniki", "a taverna on Naxos"),
    ),
    _Cuisine(
        "spanish",
        "Spanish",
        "spanish",
        4,
        ("stew", "soup", "roast", "salad", "bake"),
        _specs("""
pimentón (smoked paprika)|1 tsp;2 tsp||S
saffron threads|1 pinch|soaked in 2 tbsp warm water|S
chorizo|150 g;200 g|sliced;diced|mW
sherry vinegar|1 tbsp;2 tbsp||W
roasted red peppers|=2 roasted red peppers from a jar|sliced|W
bay leaves|=2 bay leaves||S
Manchego|80 g|shaved;grated|dH
"""),
        _specs("""
[flat-leaf ]parsley||chopped, to serve|H
lemon wedges||to serve|H
aioli|4 tbsp||eH
"""),
        (),
        _specs("olive oil|3 tbsp;4 tbsp||F"),
        ("Valencia", "Andalusia", "Barcelona", "a tapas bar in Seville"),
    ),
    _Cuisine(
        "middle_eastern",
        "Middle Eastern",
        "middle eastern",
        5,
        ("stew", "salad", "roast", "bowl", "burger", "soup"),
        _specs("""
ground cumin|1 tsp;2 tsp||S
ground coriander|1 tsp||S
za'atar|1 tbsp;2 tbsp||S
tahini|3 tbsp;2 tbsp||W
pomegranate molasses|1 tbsp;2 tbsp||W
harissa|1 tbsp;2 tbsp||W
ras el hanout|2 tsp||S
preserved lemon|=1 preserved lemon|rind finely chopped|H
ground cinnamon|½ tsp;1 tsp||S
"""),
        _specs("""
pomegranate seeds|3 tbsp;1 handful||H
[fresh ]mint||leaves picked, to serve|H
toasted flaked almonds|2 tbsp||nH
flatbreads||to serve|gX
"""),
        (),
        _specs("olive oil|2 tbsp;3 tbsp||F"),
        ("Beirut", "Istanbul", "Amman", "a spice market in Marrakesh"),
    ),
    _Cuisine(
        "american",
        "American",
        "american",
        7,
        ("roast", "bake", "salad", "burger", "stew", "soup", "tacos"),
        _specs("""
BBQ sauce|4 tbsp;3 tbsp||W
smoked paprika|1 tsp;2 tsp||S
light brown sugar|1 tbsp;2 tbsp||W
Worcestershire sauce|1 tbsp||fW
mature cheddar|100 g;150 g|grated|dH
apple cider vinegar|1 tbsp||W
hot sauce|1 tsp;to taste||W
maple syrup|2 tbsp||W
"""),
        _specs("""
spring onions|=2 spring onions|sliced|H
dill pickles||sliced, to serve|H
coleslaw||to serve|X
sour cream|4 tbsp||dH
"""),
        (),
        _specs("vegetable oil|1 tbsp;2 tbsp||F\nbutter|30 g||dF"),
        ("Texas", "New Orleans", "a Brooklyn diner", "a Memphis smokehouse"),
    ),
    _Cuisine(
        "korean",
        "Korean",
        "korean",
        3,
        ("stirfry", "bowl", "stew", "soup", "tacos"),
        _specs("""
gochujang|2 tbsp;1 tbsp||W
kimchi|150 g;200 g|chopped|W
soy sauce|2 tbsp||gW
toasted sesame oil|1 tbsp;2 tsp||W
gochugaru (Korean chilli flakes)|1 tsp;2 tsp||S
rice vinegar|1 tbsp||W
"""),
        _specs("""
toasted sesame seeds|1 tbsp||H
spring onions|=3 spring onions|sliced|H
fried eggs|=4 fried eggs||eH
steamed rice||to serve|X
"""),
        _specs("[fresh ]ginger|=1 thumb-sized piece ginger|grated"),
        _specs("vegetable oil|1 tbsp;2 tbsp||F"),
        ("Seoul", "Busan", "Jeonju"),
    ),
)

# --- Dishes -------------------------------------------------------------------------------------

_MAINS = ("dinner", "dinner", "dinner", "lunch")

_SAVOURY_DISHES: dict[str, _Dish] = {
    d.key: d
    for d in (
        _Dish(
            "stew",
            ("stew", "stew", "casserole", "ragout"),
            _MAINS,
            "stew",
            (15, 40),
            (60, 240),
            (0, 0, 10),
            ("4", "6", "4 servings", "6 servings", "Serves 4–6"),
            _steps("""
.5||Season the {brown} generously with salt and pepper.
1||Heat the {fat} in a large casserole over a medium-high heat and brown the {brown} in batches. Lift out onto a plate.
1|brown|Lower the heat, add the {aromatics} and cook gently for {m_soft} minutes, until soft and lightly golden.
1|!brown|Heat the {fat} in a large casserole, add the {aromatics} and cook gently for {m_soft} minutes, until soft.
1||Stir in the {spices} and cook for 1 minute, until fragrant.
1||Add the {wet} and stir well, scraping up anything stuck to the bottom of the pan.
1||Pour in the {liquid}[, add the {veg}] and bring to a simmer.
1||Return the {brown} to the pot, cover and simmer gently for {m_long} minutes, until tender.
1||Add the {simmer}, cover and simmer gently for {m_long} minutes, stirring now and then, until thick.
1||Simmer for {m_long} minutes, then add the {late} and cook for {m_short} minutes more, until just cooked.
.6||Stir through the {finish} and season to taste.
.8||Serve in warm bowls with {garnish}.
.3||Like most stews, this is even better the next day.
"""),
            liquid=True,
        ),
        _Dish(
            "curry",
            ("curry", "curry", "curry", "masala"),
            _MAINS,
            "curry",
            (15, 30),
            (25, 90),
            (0, 0, 30, 60),
            ("4", "4 servings", "6", "2", "Serves 4"),
            _steps("""
.4||Mix the {brown} with a pinch of salt and half the {spices}; leave for 10 minutes.
1||Heat the {fat} in a wide pan and fry the {aromatics} for {m_soft} minutes, until golden.
1||Add the {spices} and stir for 30 seconds, until fragrant.
1||Add the {brown} and cook for {m_short} minutes, turning, until sealed all over.
1||Stir in the {wet} and cook for a couple of minutes.
1||Pour in the {liquid}[ and add the {simmer}], then simmer for {m_long} minutes, until the sauce thickens.
1||Add the {veg} for the last 10 minutes.
1||Slip in the {late} and simmer for {m_short} minutes more, until just cooked.
.7||Stir through the {finish}.
1||Serve with {garnish}.
1|!garnish|Serve hot, with rice or flatbreads.
"""),
            liquid=True,
        ),
        _Dish(
            "soup",
            ("soup", "soup", "soup", "broth", "chowder"),
            ("dinner", "lunch", "lunch"),
            "soup",
            (10, 30),
            (20, 90),
            (0,),
            ("4", "6", "4 bowls", "Serves 4", "6 servings"),
            _steps("""
1||Heat the {fat} in a large saucepan and cook the {aromatics} over a low heat for {m_soft} minutes.
1||Add the {brown} and cook until lightly coloured.
1||Stir in the {spices}.
1||Add the {veg} and stir to coat.
1||Pour in the {liquid}[ with the {wet}][, add the {simmer}] and bring to the boil.
1||Simmer for {m_long} minutes, until everything is tender.
1||Add the {late} for the final {m_short} minutes.
.5|!brown !late|Blend until smooth, or leave it chunky if you prefer.
1||Cook the {extra} separately and divide between bowls.
.6||Stir in the {finish} and season to taste.
.8||Ladle into bowls and serve with {garnish}.
"""),
            liquid=True,
        ),
        _Dish(
            "roast",
            ("traybake", "traybake", "roast", "sheet-pan dinner"),
            ("dinner",),
            "",
            (10, 30),
            (30, 120),
            (0, 30, 60),
            ("4", "2", "4 servings", "Serves 4"),
            _steps("""
1||Heat the oven to {temp}.
.6||Mix the {spices} with the {fat} and a good pinch of salt.
.6||Toss the {main} in the {wet} and leave to marinate for at least 20 minutes.
1||Spread the {veg} over a large roasting tin and toss with the {aromatics}.
1||Nestle the {main} among the vegetables and drizzle everything with the {fat}.
1||Roast for {m_long} minutes, turning halfway, until golden and cooked through.
.5||Rest for 5 minutes before serving.
.7||Scatter over the {finish}.
.8||Serve with {garnish}.
"""),
            optional=_specs("new potatoes|500 g;750 g|halved|V|potato"),
            oven="200°C (180°C fan) / 400°F",
            title_verb="roast",
        ),
        _Dish(
            "pasta",
            ("pasta", "spaghetti", "penne", "linguine", "rigatoni", "orzo", "tagliatelle"),
            _MAINS,
            "pasta",
            (10, 20),
            (10, 25),
            (0,),
            ("4", "2", "4 servings", "Serves 2"),
            _steps("""
1||Bring a large pan of salted water to the boil.
1||Heat the {fat} in a large frying pan and cook the {brown} until golden, then set aside.
1||Add the {aromatics} to the pan and fry gently for {m_soft} minutes.
1||Stir in the {veg}[ and the {spices}] and cook for {m_short} minutes.
1||Add the {wet} and simmer for {m_short} minutes, until saucy.
1||Add the {simmer} and warm through.
1||Add the {late} and cook for 2–3 minutes, until just done.
1||Meanwhile, cook the {extra} according to the packet instructions. Save a mugful of the cooking water, then drain.
1||Return the {brown} to the pan.
1||Toss the {extra} with the sauce, loosening it with a splash of the cooking water.
.7||Stir through the {finish}.
.8||Serve straight away with {garnish}.
"""),
            extras=_specs("{noun}|300 g;400 g;350 g||gX"),
        ),
        _Dish(
            "stirfry",
            ("stir-fry", "stir-fry", "noodles", "fried rice"),
            _MAINS,
            "",
            (10, 25),
            (5, 15),
            (0, 0, 30),
            ("2", "4", "Serves 2", "2 servings"),
            _steps("""
1||Mix the {wet} with 2 tbsp water in a small bowl.
1||Cook the {extra} according to the packet instructions and drain.
1||Heat the {fat} in a wok over a high heat until smoking.
1||Stir-fry the {brown} for {m_short} minutes, until browned, then tip onto a plate.
1||Add the {aromatics} and stir-fry for 1 minute.
1||Add the {veg}[ and the {spices}] and stir-fry for {m_short} minutes, until just tender.
1||Add the {late} and stir-fry until just cooked.
1||Add the {simmer} and toss to warm through.
1|wet|Return the {brown} to the wok, pour in the sauce and toss until glossy.
1|!wet|Return the {brown} to the wok and toss everything together.
1|wet !brown|Pour in the sauce and toss until everything is glossy.
1||Toss through the {extra}.
.7||Finish with the {finish}.
.8||Serve topped with {garnish}.
"""),
            extras=_specs("egg noodles|200 g;250 g||geX|||2\nrice noodles|200 g||X\njasmine rice|250 g||X"),
            pick_one_extra=True,
        ),
        _Dish(
            "salad",
            ("salad", "salad", "warm salad", "grain salad"),
            ("lunch", "lunch", "dinner", "side"),
            "salad",
            (10, 25),
            (0, 15),
            (0,),
            ("2", "4", "4 as a side", "Serves 2"),
            _steps("""
1||Cook the {brown} in a hot pan with the {fat} for {m_short} minutes, until golden, then slice.
1||Drain the {simmer} and pat dry.
1||Cook the {late} in a hot pan for 2–3 minutes, until just done.
1||Whisk the {dressing} together with a pinch of salt.
1||Toss the {veg} with the {aromatics} in a large bowl.
1|dressing|Add the {main}, pour over the dressing and toss gently.
1|!dressing|Add the {main}, drizzle with the {fat}, season well and toss gently.
.8||Sprinkle over the {spices}.
1||Spoon over the {wet}.
.7||Scatter with the {finish}.
.7||Serve with {garnish}.
"""),
            second=_specs("""
extra-virgin olive oil|3 tbsp;4 tbsp||H
lemon juice|2 tbsp;1 tbsp||H
red wine vinegar|1 tbsp||H
Dijon mustard|1 tsp||H
honey|1 tsp||H
"""),
            second_header="For the dressing:",
        ),
        _Dish(
            "tacos",
            ("tacos", "tacos", "burritos", "quesadillas", "wraps", "fajitas"),
            ("dinner", "dinner", "lunch"),
            "",
            (15, 30),
            (10, 30),
            (0, 30),
            ("4", "8 tacos", "4 servings", "Makes 8"),
            _steps("""
1||Mix the {spices} with the {fat} and a pinch of salt.
1||Cook the {brown} in a hot frying pan for {m_short} minutes, until charred at the edges.
1||Add the {aromatics} and the {veg} and cook for {m_soft} minutes more.
1||Add the {simmer}, roughly crush with a fork and warm through.
1||Add the {wet} and a splash of water and bubble until sticky.
1||Cook the {late} for 2–3 minutes, until just done.
1||Warm the {extra} in a dry pan, or wrapped in foil in the oven.
1||Fill the {extra} with the filling and top with {garnish}.
.7||Finish with the {finish}.
"""),
            extras=_specs("tortillas|=8 small corn tortillas;=8 flour tortillas;=4 large flour tortillas||gX"),
        ),
        _Dish(
            "bake",
            ("bake", "gratin", "pie", "hotpot"),
            ("dinner",),
            "",
            (20, 45),
            (30, 75),
            (0, 10),
            ("4", "6", "6 servings", "Serves 4–6"),
            _steps("""
1||Heat the oven to {temp}.
1||Fry the {brown} in the {fat} until browned all over.
1||Add the {aromatics} and cook for {m_soft} minutes.
1||Stir in the {veg}[, the {spices}][ and the {wet}], then simmer for {m_short} minutes.
1||Stir in the {simmer}.
1||Stir in the {late}.
1||Tip into a baking dish and top with the {extra}.
1||Bake for {m_long} minutes, until bubbling and golden.
.6||Leave to stand for 5 minutes, then scatter over the {finish}.
.7||Serve with {garnish}.
"""),
            extras=_specs("""
mature cheddar|100 g;150 g|grated|dX|||2
panko breadcrumbs|50 g||gX
ready-rolled puff pastry|=1 sheet ready-rolled puff pastry (320 g)||gdX
sliced potatoes|600 g|thinly sliced|X
"""),
            oven="190°C (170°C fan) / 375°F",
            title_verb="baked",
            pick_one_extra=True,
        ),
        _Dish(
            "risotto",
            ("risotto",),
            ("dinner",),
            "",
            (10, 15),
            (25, 35),
            (0,),
            ("4", "2", "Serves 4"),
            _steps("""
1||Keep the {liquid} hot in a pan over a low heat.
1||Cook the {brown} in a hot pan until golden, then set aside.
1||Heat the {fat} in a wide pan and soften the {aromatics} for {m_soft} minutes.
1||Stir in the {extra} and toast for 1 minute.
1||Add the {wet} and let it bubble away.
1||Add the stock a ladleful at a time, stirring, for {m_long} minutes, until creamy but still with some bite.
1||Stir in the {veg} for the last 5 minutes.
1||Add the {simmer} and the {late} and cook until just done.
1||Return the {brown} to the pan.
.8||Beat in the {finish} and leave to rest for 2 minutes.
.7||Serve topped with {garnish}.
"""),
            extras=_specs("arborio rice|300 g;250 g||X\nParmesan|50 g|finely grated|dH"),
            liquid=True,
        ),
        _Dish(
            "burger",
            ("burgers", "burgers", "patties", "meatballs", "fritters"),
            ("dinner", "lunch"),
            "",
            (15, 30),
            (8, 20),
            (0, 15),
            ("4", "4 burgers", "Makes 12", "Serves 4"),
            _steps("""
1||Mash or mix the {main} with the {aromatics}[, the {spices}] and a good pinch of salt.
1||Mix in the {binder}.
1||Shape the mixture into {noun} and chill for 15 minutes.
1||Fry in the {fat} for {m_short} minutes on each side, until cooked through.
1||Meanwhile, cook the {veg} until just tender.
.8||Serve with the {extra} and {garnish}.
.6|!garnish|Serve hot with the {finish}.
"""),
            extras=_specs(
                "burger buns|=4 burger buns||gX\ndried breadcrumbs|50 g||gD\nlarge egg|=1 large egg|beaten|eD"
            ),
        ),
        _Dish(
            "bowl",
            ("bowl", "rice bowl", "grain bowl", "bowls"),
            ("lunch", "dinner"),
            "",
            (10, 25),
            (15, 30),
            (0, 30),
            ("2", "4", "2 bowls", "4 bowls"),
            _steps("""
1||Cook the {extra} according to the packet instructions.
1||Roast the {veg} with half the {fat} at {temp} for {m_long} minutes.
1||Cook the {brown} in a hot pan[ with the {spices}] until golden.
1||Warm the {simmer}[ with the {spices}] and a splash of water.
1||Cook the {late} for 2–3 minutes, until just done.
1||Mix the {wet} with a little water to make a dressing.
1||Divide the {extra} between bowls and top with the {main} and the vegetables.
.8||Finish with the {finish} and {garnish}.
"""),
            extras=_specs("""
basmati rice|250 g||X
brown rice|250 g||X
quinoa|200 g|rinsed|X
bulgur wheat|200 g||gX
"""),
            oven="200°C (180°C fan)",
            pick_one_extra=True,
        ),
        _Dish(
            "frittata",
            ("frittata", "omelette", "egg traybake"),
            ("breakfast", "brunch", "lunch"),
            "",
            (5, 15),
            (15, 25),
            (0,),
            ("4", "2", "6 slices", "Serves 4"),
            _steps("""
1||Heat the grill to high.
1||Beat the {extra} with a good pinch of salt and pepper.
1||Heat the {fat} in an ovenproof frying pan and soften the {aromatics} for {m_soft} minutes.
1||Add the {main} and the {veg} and cook for {m_short} minutes.
1||Stir in the {spices}.
1||Pour in the eggs and cook over a low heat for {m_long} minutes, until almost set.
1||Slide under the grill for 2–3 minutes, until puffed and golden.
.7||Scatter over the {finish} and serve with {garnish}.
"""),
            extras=_specs("eggs|=8 large eggs;=6 eggs|beaten|eX\nmilk|2 tbsp;3 tbsp||dX"),
        ),
    )
}

# --- Sweet dishes and flavours ------------------------------------------------------------------

_SWEET_FLAVOURS = _specs("""
dark chocolate|100 g;150 g|chopped||chocolate||3
chocolate chips|100 g;150 g|||chocolate chip||3
unwaxed lemons|=2 unwaxed lemons;=1 unwaxed lemon|zested and juiced;zested||lemon||3
oranges|=2 oranges;=1 orange|zested||orange||1.5
apples|=3 eating apples;=4 Bramley apples|peeled, cored and sliced;grated|R|apple||3
pears|=3 ripe pears|peeled, cored and chopped|R|pear||1
ripe bananas|=3 ripe bananas;=2 ripe bananas|mashed||banana||2.5
blueberries|150 g;200 g||R|blueberry||2
raspberries|150 g;200 g||R|raspberry||2
strawberries|250 g;300 g|hulled and halved|R|strawberry||1.5
rhubarb|400 g|cut into 3 cm pieces|R|rhubarb||1
plums|=6 plums|stoned and quartered|R|plum||1
cherries|300 g|pitted|R|cherry||1
desiccated coconut|50 g;75 g|||coconut||1
ground almonds|100 g||n|almond||1.5
hazelnuts|75 g|toasted and chopped|n|hazelnut||1
pecans|75 g;100 g|roughly chopped|n|pecan||1
walnuts|75 g|roughly chopped|n|walnut||1
ground cinnamon|1 tsp;2 tsp|||cinnamon||2
ground ginger|2 tsp;1 tsp|||ginger||1
ground cardamom|½ tsp;1 tsp|||cardamom||0.7
salted caramel sauce|100 g;4 tbsp|||salted caramel||1
smooth peanut butter|100 g;125 g|||peanut butter||1
matcha powder|1 tbsp;2 tsp|||matcha||0.5
shelled pistachios|50 g|chopped|n|pistachio||0.7
white chocolate|100 g|chopped|d|white chocolate||1.2
ripe mango|=1 ripe mango|peeled and diced|R|mango||0.7
passion fruit|=3 passion fruit|pulp scooped out|R|passion fruit||0.5
espresso|2 tbsp;50 ml|cooled||coffee||0.8
mixed nuts|75 g|chopped|n|nutty||0.6
""")

_FRUIT_FLAVOURS = tuple(f for f in _SWEET_FLAVOURS if "R" in f.flags)

_BREAD_FLAVOURS = _specs("""
[fresh ]rosemary|=2 sprigs rosemary|leaves chopped||rosemary
black olives|100 g|pitted and halved||olive
mature cheddar|100 g|grated|d|cheese
garlic|=4 cloves garlic|crushed||garlic
mixed seeds|50 g;75 g|||seeded
sun-dried tomatoes|75 g|chopped||sun-dried tomato
caramelised onions|3 tbsp|||onion
""")

_TOPPING = _specs("""
icing sugar|150 g;200 g||U
soft butter|75 g||dF
cream cheese|150 g||d
lemon juice|1 tbsp;2 tbsp||W
""")

_SWEET_DISHES: dict[str, _Dish] = {
    d.key: d
    for d in (
        _Dish(
            "cake",
            ("cake", "cake", "loaf cake", "traybake", "sponge", "bundt cake"),
            ("dessert", "baking", "baking"),
            "baking",
            (20, 30),
            (25, 60),
            (0, 30, 60),
            ("8 slices", "12 squares", "1 cake (10 slices)", "8", "Serves 10"),
            _steps("""
1||Heat the oven to {temp} and grease and line {tin}.
1||Beat the {fat} and the {sugar} together until pale and fluffy.
1||Beat in the {eggs} a little at a time, then the {wet}.
1||Fold in the {dry} until just combined.
1||Stir through the {flavour}.
1||Spoon into the tin, level the top and bake for {m_long} minutes, until a skewer comes out clean.
1||Cool in the tin for 10 minutes, then turn out onto a wire rack.
1||Beat the {topping} together until smooth and spread over the cooled cake.
.4||Keeps for 3 days in an airtight tin.
"""),
            extras=_specs("""
self-raising flour|200 g;225 g;250 g||gD
caster sugar|175 g;200 g||U
[softened ]butter|175 g;200 g||dF
eggs|=3 eggs;=4 eggs|lightly beaten|eE
baking powder|1 tsp||D
milk|2 tbsp;3 tbsp||dW
vanilla extract|1 tsp||W
"""),
            second=_TOPPING,
            second_header="For the icing:",
            sweet=True,
            oven="180°C (160°C fan) / 350°F",
        ),
        _Dish(
            "muffins",
            ("muffins", "muffins", "cupcakes"),
            ("baking", "breakfast", "snack"),
            "baking",
            (15, 20),
            (18, 25),
            (0,),
            ("12 muffins", "12", "Makes 12", "10 muffins"),
            _steps("""
1||Heat the oven to {temp} and line a 12-hole muffin tin with paper cases.
1||Mix the {dry} in a large bowl with the {sugar}.
1||Whisk the {eggs} with the {wet} and the melted {fat}.
1||Pour the wet ingredients into the dry ones and stir until just combined – a few lumps are fine.
1||Fold in the {flavour}.
1||Divide between the cases and bake for {m_long} minutes, until risen and golden.
1||Cool on a wire rack.
.6||Drizzle with the {topping} once cool.
"""),
            extras=_specs("""
plain flour|250 g;300 g||gD
baking powder|2 tsp||D
light brown sugar|100 g;150 g||U
eggs|=2 eggs||eE
milk|200 ml;250 ml||dW
[melted ]butter|100 g||dF
"""),
            second=_specs("icing sugar|100 g||U\nlemon juice|1 tbsp||W"),
            second_header="For the glaze:",
            sweet=True,
            oven="200°C (180°C fan) / 400°F",
        ),
        _Dish(
            "cookies",
            ("cookies", "cookies", "biscuits", "cookie bars"),
            ("baking", "snack", "dessert"),
            "baking",
            (15, 25),
            (10, 15),
            (0, 30),
            ("24 cookies", "12 cookies", "18 cookies", "Makes 20", "12 large cookies"),
            _steps("""
1||Heat the oven to {temp} and line two baking trays with baking paper.
1||Cream the {fat} with the {sugar} until pale.
1||Beat in the {eggs} and the {wet}.
1||Mix in the {dry}, then the {flavour}.
1||Scoop spoonfuls onto the trays, spaced well apart.
1||Bake for {m_long} minutes, until golden at the edges but still soft in the middle.
1||Leave on the trays for 5 minutes, then move to a wire rack.
.3||The dough keeps for 3 days in the fridge, so you can bake a few at a time.
"""),
            extras=_specs("""
[softened ]butter|125 g;150 g||dF
light brown sugar|100 g;150 g||U
caster sugar|75 g;100 g||U
egg|=1 egg;=1 large egg||eE
vanilla extract|1 tsp||W
plain flour|200 g;225 g||gD
bicarbonate of soda|½ tsp||D
fine salt|¼ tsp;1 pinch||D
"""),
            sweet=True,
            oven="180°C (160°C fan) / 350°F",
        ),
        _Dish(
            "brownies",
            ("brownies", "brownies", "blondies"),
            ("dessert", "baking", "snack"),
            "baking",
            (15, 20),
            (20, 30),
            (30, 60),
            ("16 squares", "12 brownies", "Makes 16", "9 large squares"),
            _steps("""
1||Heat the oven to {temp} and line a 20 cm square tin.
1||Melt the {fat} with the {melt} in a bowl over simmering water.
1||Whisk the {eggs} and the {sugar} until thick and pale.
1||Fold in the melted chocolate, then the {dry}.
1||Stir in the {flavour}.
1||Bake for {m_long} minutes, until just set with a slight wobble.
1||Cool completely in the tin before cutting into squares.
"""),
            extras=_specs("""
dark chocolate|200 g|chopped|M
butter|175 g;200 g||dF
caster sugar|250 g;275 g||U
eggs|=3 eggs;=4 eggs||eE
plain flour|85 g;100 g||gD
cocoa powder|40 g||D
"""),
            sweet=True,
            oven="180°C (160°C fan) / 350°F",
        ),
        _Dish(
            "crumble",
            ("crumble", "crumble", "crisp", "cobbler"),
            ("dessert",),
            "baking",
            (15, 25),
            (30, 45),
            (0,),
            ("6", "6 servings", "Serves 6", "8"),
            _steps("""
1||Heat the oven to {temp}.
1||Toss the {flavour} with the {sugar} and the {dry} in a baking dish.
1||Rub the butter into the flour until it looks like breadcrumbs, then stir in the sugar and the oats.
1||Scatter the crumble over the fruit.
1||Bake for {m_long} minutes, until golden and bubbling.
1||Serve warm with custard, cream or ice cream.
"""),
            extras=_specs("caster sugar|50 g;75 g||U\nground cinnamon|½ tsp;1 tsp||D"),
            second=_specs("""
plain flour|150 g;175 g||gX
cold butter|100 g|diced|dF
demerara sugar|75 g||U
rolled oats|50 g||gX
"""),
            second_header="For the crumble:",
            sweet=True,
            first_header="For the filling:",
            oven="190°C (170°C fan) / 375°F",
            flavours="R",
        ),
        _Dish(
            "pancakes",
            ("pancakes", "pancakes", "crêpes", "hotcakes"),
            ("breakfast", "brunch", "dessert"),
            "",
            (10, 15),
            (15, 25),
            (0, 30),
            ("8 pancakes", "4", "12 crêpes", "Serves 4"),
            _steps("""
1||Whisk the {dry} in a bowl and make a well in the centre.
1||Whisk in the {eggs} and the {wet} to make a smooth batter.
.5||Leave the batter to rest for 20 minutes.
1||Heat a little of the {fat} in a frying pan over a medium heat.
1||Cook ladlefuls of batter for 1–2 minutes on each side, until golden.
1||Keep warm while you cook the rest.
1||Serve with the {flavour} and the {topping}.
"""),
            extras=_specs("""
plain flour|200 g;150 g||gD
baking powder|1 tsp;2 tsp||D
caster sugar|1 tbsp;2 tbsp||D
eggs|=2 eggs||eE
milk|300 ml;250 ml||dW
butter|25 g|melted, plus extra for frying|dF
"""),
            second=_specs("maple syrup||to serve|W\nGreek yoghurt||to serve|d"),
            sweet=True,
        ),
        _Dish(
            "tart",
            ("tart", "tart", "galette", "pie"),
            ("dessert", "baking"),
            "baking",
            (30, 60),
            (30, 50),
            (0, 30, 60),
            ("8 slices", "8", "Serves 8", "10 slices"),
            _steps("""
1||Heat the oven to {temp}.
1||Line a 23 cm tart tin with the {extra}, prick the base and chill for 15 minutes.
1||Bake blind for 15 minutes.
1||Whisk the {eggs}, the {sugar} and the {wet} together.
1||Arrange the {flavour} in the case and pour over the filling.
1||Bake for {m_long} minutes, until just set.
1||Cool a little and serve with the {topping}.
"""),
            extras=_specs("""
ready-rolled shortcrust pastry|=1 sheet ready-rolled shortcrust pastry (320 g)||gdX
eggs|=2 eggs;=3 eggs||eE
caster sugar|75 g;100 g||U
double cream|200 ml;250 ml||dW
"""),
            second=_specs("crème fraîche||to serve|d\nicing sugar||for dusting|U"),
            sweet=True,
            oven="190°C (170°C fan) / 375°F",
            flavours="R",
        ),
        _Dish(
            "cheesecake",
            ("cheesecake", "cheesecake", "baked cheesecake"),
            ("dessert",),
            "",
            (30, 45),
            (50, 70),
            (120, 240),
            ("12 slices", "10", "Serves 12"),
            _steps("""
1||Heat the oven to {temp} and line a 23 cm springform tin.
1||Crush the {base}, mix with the melted butter and press into the tin. Chill while you make the filling.
1||Beat the {fat} and the {sugar} until smooth.
1||Beat in the {eggs}, then the {wet}.
1||Stir in the {flavour}.
1||Bake for {m_long} minutes, until set with a slight wobble in the middle.
1||Turn off the oven and leave the cheesecake inside with the door ajar to cool.
1||Chill for at least 4 hours, or overnight.
"""),
            extras=_specs("""
full-fat cream cheese|600 g;750 g||dF
caster sugar|150 g;175 g||U
eggs|=3 eggs||eE
soured cream|150 ml||dW
vanilla extract|1 tsp||W
"""),
            second=_specs("digestive biscuits|200 g;250 g||gB\nbutter|75 g;100 g|melted|dX"),
            second_header="For the base:",
            sweet=True,
            first_header="For the filling:",
            second_first=True,
            oven="160°C (140°C fan) / 325°F",
        ),
        _Dish(
            "custard",
            ("pots", "custards", "baked custard"),
            ("dessert",),
            "",
            (15, 30),
            (30, 45),
            (120, 240),
            ("6", "6 ramekins", "4", "Serves 6"),
            _steps("""
1||Heat the oven to {temp} and stand the ramekins in a deep roasting tin.
1||Heat the {wet} until steaming.
1||Whisk the {eggs} and the {sugar} together, then pour over the hot cream, whisking.
1||Stir in the {flavour}.
1||Pour into the ramekins, add hot water to come halfway up their sides and bake for {m_long} minutes, until just set.
1||Cool, then chill for at least 2 hours.
.8||Sprinkle with the {topping} before serving.
"""),
            extras=_specs("""
double cream|500 ml;600 ml||dW
milk|100 ml||dW
egg yolks|=6 egg yolks;=5 egg yolks||eE
caster sugar|75 g;100 g||U
vanilla pod|=1 vanilla pod|split, seeds scraped|W
"""),
            second=_specs("demerara sugar|4 tbsp||U"),
            sweet=True,
            oven="150°C (130°C fan) / 300°F",
        ),
        _Dish(
            "chilled",
            ("mousse", "fool", "trifle", "pots"),
            ("dessert",),
            "",
            (15, 30),
            (0, 10),
            (60, 120, 240),
            ("4", "6", "6 glasses", "Serves 6"),
            _steps("""
1||Whip the {wet} with the {sugar} to soft peaks.
1||Fold through the {flavour}.
1||Spoon into glasses and chill for at least 1 hour.
1||Top with the {topping} just before serving.
"""),
            extras=_specs("double cream|300 ml;400 ml||dW\nicing sugar|2 tbsp;3 tbsp||U"),
            second=_specs("amaretti biscuits|=4 amaretti biscuits|crushed|g\nfresh mint||to serve|"),
            sweet=True,
        ),
        _Dish(
            "porridge",
            ("porridge", "overnight oats", "bircher muesli"),
            ("breakfast",),
            "",
            (5, 10),
            (0, 10),
            (0, 480),
            ("2", "1", "2 bowls", "Serves 2"),
            _steps("""
1||Put the {dry} and the {wet} in a pan (or a jar, for overnight oats).
1||Simmer for 5 minutes, stirring, or leave in the fridge overnight.
1||Stir in the {sugar}.
1||Top with the {flavour} and the {topping}.
"""),
            extras=_specs("rolled oats|80 g;100 g||gD\nmilk|300 ml;400 ml||dW\nhoney|1 tbsp;2 tbsp||U"),
            second=_specs("mixed nuts|2 tbsp|chopped|n\nchia seeds|1 tbsp||"),
            sweet=True,
        ),
        _Dish(
            "granola",
            ("granola", "granola", "granola bars", "flapjacks"),
            ("breakfast", "snack"),
            "baking",
            (10, 15),
            (20, 35),
            (0, 30),
            ("10 servings", "12 bars", "1 large jar", "16 squares"),
            _steps("""
1||Heat the oven to {temp} and line a large baking tray.
1||Mix the {dry} in a large bowl.
1||Warm the {sugar} with the {fat} and pour over the dry ingredients. Mix well.
1||Spread out on the tray and bake for {m_long} minutes, stirring halfway.
1||Stir in the {flavour} and leave to cool completely.
.5||Keeps for 3 weeks in an airtight jar.
"""),
            extras=_specs("""
rolled oats|300 g;250 g||gD
mixed nuts|100 g|roughly chopped|nD
pumpkin seeds|50 g||D
maple syrup|4 tbsp;100 ml||U
coconut oil|3 tbsp;50 g|melted|F
"""),
            sweet=True,
            oven="160°C (140°C fan) / 325°F",
        ),
        _Dish(
            "bread",
            ("bread", "focaccia", "loaf", "rolls", "flatbreads", "soda bread"),
            ("baking", "side"),
            "baking",
            (20, 40),
            (20, 45),
            (60, 90, 120),
            ("1 loaf", "12 rolls", "8 flatbreads", "1 large focaccia", "10 slices"),
            _steps("""
1||Mix the {dry} in a large bowl.
1||Add the {wet} and mix to a shaggy dough.
1||Knead for 10 minutes, until smooth and springy.
1||Cover and leave to rise for about an hour, until doubled in size.
1||Knead in the {flavour} and shape.
1||Heat the oven to {temp}.
1||Bake for {m_long} minutes, until golden and hollow-sounding when tapped underneath.
1||Cool on a wire rack before slicing.
"""),
            extras=_specs("""
strong white bread flour|500 g||gD
fast-action dried yeast|=1 sachet fast-action dried yeast (7 g)||D
fine salt|1 tsp;1½ tsp||D
lukewarm water|325 ml;300 ml||W
olive oil|2 tbsp||W
"""),
            sweet=True,  # built like the sweet bakes (a base and flavours), tagged by its meals
            oven="220°C (200°C fan) / 425°F",
            flavours="bread",
        ),
    )
}

# --- Classics -----------------------------------------------------------------------------------


def _classic(title: str, cuisine: str, dish: str, noun: str, ingredients: str) -> _Classic:
    return _Classic(title, cuisine, dish, noun, _specs(ingredients))


_SAVOURY_CLASSICS = (
    _classic(
        "Käsespätzle",
        "german",
        "bake",
        "bake",
        """
fresh spätzle|500 g;400 g||geP|spätzle
Emmentaler|200 g|grated|dH
crispy fried onions|4 tbsp||gH
""",
    ),
    _classic(
        "Coq au vin",
        "french",
        "stew",
        "stew",
        """
chicken thighs|=8 chicken thighs|skin on|mB|chicken
red wine|500 ml;=1 bottle red wine (750 ml)||W
smoked bacon lardons|150 g||mW
button mushrooms|250 g||V
""",
    ),
    _classic(
        "Bœuf bourguignon",
        "french",
        "stew",
        "stew",
        """
beef chuck|1 kg;1.2 kg|cut into large chunks|mB|beef
red wine|=1 bottle red wine (750 ml)||W
pearl onions|=12 pearl onions|peeled|V
""",
    ),
    _classic(
        "Ratatouille",
        "french",
        "stew",
        "stew",
        """
aubergines|=2 aubergines|cut into chunks|B|aubergine
courgettes|=2 courgettes|sliced|V
red peppers|=2 red peppers|diced|V
herbes de Provence|2 tsp||S
""",
    ),
    _classic(
        "Quiche lorraine",
        "french",
        "bake",
        "quiche",
        """
smoked bacon lardons|200 g||mB|bacon
ready-rolled shortcrust pastry|=1 sheet ready-rolled shortcrust pastry (320 g)||gdX
eggs|=4 eggs||eW
double cream|300 ml||dW
Gruyère|100 g|grated|dH
""",
    ),
    _classic(
        "Spaghetti carbonara",
        "italian",
        "pasta",
        "spaghetti",
        """
guanciale|150 g|diced|mB
egg yolks|=4 egg yolks||eH
pecorino romano|60 g|finely grated|dH
""",
    ),
    _classic(
        "Minestrone",
        "italian",
        "soup",
        "soup",
        """
cannellini beans|1 can (400 g)|drained|P|bean
small pasta shapes|100 g||gX
carrots|=2 carrots|diced|V
""",
    ),
    _classic(
        "Chicken tikka masala",
        "indian",
        "curry",
        "curry",
        """
chicken thighs|800 g|cut into chunks|mB|chicken
natural yoghurt|150 g||dW
garam masala|2 tsp||S
double cream|100 ml||dW
""",
    ),
    _classic(
        "Chana masala",
        "indian",
        "curry",
        "curry",
        """
chickpeas|2 cans (800 g)|drained|P|chickpea
garam masala|2 tsp||S
amchur (dried mango powder)|1 tsp||S
""",
    ),
    _classic(
        "Palak paneer",
        "indian",
        "curry",
        "curry",
        """
paneer|250 g|cubed|dB
spinach|500 g||V
garam masala|1 tsp||S
""",
    ),
    _classic(
        "Dal tadka",
        "indian",
        "curry",
        "dal",
        """
red lentils|250 g|rinsed|P|lentil
cumin seeds|1 tsp||S
ghee|2 tbsp||dH
""",
    ),
    _classic(
        "Pad thai",
        "thai",
        "stirfry",
        "noodles",
        """
king prawns|250 g|peeled|fL|prawn
flat rice noodles|200 g||X
tamarind paste|2 tbsp||W
bean sprouts|100 g||V
roasted peanuts|40 g|chopped|nH
""",
    ),
    _classic(
        "Tom yum soup",
        "thai",
        "soup",
        "soup",
        """
king prawns|300 g|peeled|fL|prawn
lemongrass|=2 stalks lemongrass|bruised|S
makrut lime leaves|=6 makrut lime leaves||S
fish sauce|2 tbsp||fW
""",
    ),
    _classic(
        "Thai green curry",
        "thai",
        "curry",
        "curry",
        """
chicken thighs|600 g|sliced|mB|chicken
green curry paste|3 tbsp||S
coconut milk|400 ml||W
""",
    ),
    _classic(
        "Massaman curry",
        "thai",
        "curry",
        "curry",
        """
beef chuck|800 g|cut into chunks|mB|beef
massaman curry paste|3 tbsp||S
potatoes|400 g|cubed|V
roasted peanuts|50 g||nH
""",
    ),
    _classic(
        "Chiles rellenos",
        "mexican",
        "bake",
        "bake",
        """
poblano peppers|=6 poblano peppers|roasted and peeled|P|poblano
Monterey Jack|200 g|grated|dH
""",
    ),
    _classic(
        "Jalapeño poppers",
        "mexican",
        "bake",
        "poppers",
        """
jalapeños|=12 large jalapeños|halved and deseeded|P|jalapeño
cream cheese|200 g||dW
mature cheddar|100 g|grated|dH
""",
    ),
    _classic(
        "Pozole rojo",
        "mexican",
        "soup",
        "soup",
        """
pork shoulder|1 kg|cut into chunks|mB|pork
hominy|2 cans (800 g)|drained|V
dried guajillo chillies|=4 dried guajillo chillies|soaked in hot water|S
""",
    ),
    _classic(
        "Enchiladas verdes",
        "mexican",
        "bake",
        "enchiladas",
        """
chicken breasts|=3 chicken breasts|poached and shredded|mB|chicken
salsa verde|500 ml||W
corn tortillas|=8 corn tortillas||X
Monterey Jack|150 g|grated|dH
""",
    ),
    _classic(
        "Kartoffelsuppe",
        "german",
        "soup",
        "soup",
        """
floury potatoes|800 g|peeled and diced|P|potato
dried marjoram|1 tsp||S
frankfurters|=4 frankfurters|sliced|mL
""",
    ),
    _classic(
        "Moussaka",
        "greek",
        "bake",
        "bake",
        """
lamb mince|500 g||mB|lamb
aubergines|=2 aubergines|sliced|V
ground cinnamon|1 tsp||S
béchamel sauce|500 ml||dgX
""",
    ),
    _classic(
        "Spanakopita",
        "greek",
        "bake",
        "pie",
        """
feta|200 g|crumbled|dP
spinach|500 g||V
filo pastry|270 g||gX
""",
    ),
    _classic(
        "Mapo tofu",
        "chinese",
        "stirfry",
        "stir-fry",
        """
silken tofu|400 g|cubed|P|tofu
pork mince|150 g||mW
chilli bean paste|2 tbsp||W
Sichuan peppercorns|1 tsp|toasted and ground|S
""",
    ),
    _classic(
        "Kung pao chicken",
        "chinese",
        "stirfry",
        "stir-fry",
        """
chicken thighs|500 g|diced|mB|chicken
dried red chillies|=8 dried red chillies||S
roasted peanuts|50 g||nH
""",
    ),
    _classic(
        "Miso ramen",
        "japanese",
        "soup",
        "ramen",
        """
pork belly|400 g|sliced|mB|pork
white miso paste|3 tbsp||W
ramen noodles|=2 portions ramen noodles||gX
soft-boiled eggs|=2 soft-boiled eggs|halved|eH
""",
    ),
    _classic(
        "Chicken katsu curry",
        "japanese",
        "curry",
        "curry",
        """
chicken breasts|=2 chicken breasts|butterflied|mB|chicken
panko breadcrumbs|100 g||gX
Japanese curry roux|100 g||gW
""",
    ),
    _classic(
        "Bibimbap",
        "korean",
        "bowl",
        "bowl",
        """
sirloin steak|300 g|thinly sliced|mB|beef
gochujang|2 tbsp||W
kimchi|150 g||H
""",
    ),
    _classic(
        "Chili con carne",
        "american",
        "stew",
        "chili",
        """
beef mince|500 g||mB|beef
kidney beans|1 can (400 g)|drained|V
chilli powder|2 tsp||S
ground cumin|1 tsp||S
""",
    ),
    _classic(
        "Mac and cheese",
        "american",
        "bake",
        "bake",
        """
macaroni|300 g||gP
mature cheddar|200 g|grated|dH
milk|500 ml||dW
""",
    ),
    _classic(
        "Falafel wraps",
        "middle_eastern",
        "tacos",
        "wraps",
        """
chickpeas|2 cans (800 g)|drained|P|chickpea
tahini|3 tbsp||W
flatbreads|=4 flatbreads||gX
""",
    ),
    _classic(
        "Shakshuka",
        "middle_eastern",
        "frittata",
        "shakshuka",
        """
red peppers|=2 red peppers|sliced|P|pepper
chopped tomatoes|2 cans (800 g)||W
harissa|1 tbsp||W
""",
    ),
)

_SWEET_CLASSICS = (
    _classic(
        "Crème brûlée",
        "french",
        "custard",
        "crème brûlée",
        "vanilla pod|=1 vanilla pod|seeds scraped||vanilla",
    ),
    _classic(
        "Crêpes Suzette",
        "french",
        "pancakes",
        "crêpes",
        "oranges|=2 oranges|zested and juiced||orange\nGrand Marnier|2 tbsp",
    ),
    _classic(
        "Tarte tatin",
        "french",
        "tart",
        "tart",
        "apples|=6 eating apples|peeled, cored and quartered|R|apple",
    ),
    _classic(
        "Apfelstrudel",
        "german",
        "tart",
        "strudel",
        "apples|=4 Bramley apples|peeled and sliced|R|apple\nraisins|50 g\nground cinnamon|1 tsp",
    ),
    _classic(
        "Schwarzwälder Kirschtorte",
        "german",
        "cake",
        "cake",
        "cherries|400 g|pitted|R|cherry\nkirsch|3 tbsp\ncocoa powder|3 tbsp",
    ),
    _classic(
        "Tiramisù",
        "italian",
        "chilled",
        "tiramisù",
        "mascarpone|500 g||d\nsavoiardi biscuits|=24 savoiardi biscuits||ge\nstrong espresso|300 ml|cooled",
    ),
    _classic("Panna cotta", "italian", "chilled", "panna cotta", "gelatine leaves|=3 gelatine leaves|soaked"),
    _classic(
        "Tres leches cake",
        "mexican",
        "cake",
        "cake",
        "evaporated milk|400 ml||d\nsweetened condensed milk|400 g||d",
    ),
    _classic(
        "Mango sticky rice",
        "thai",
        "chilled",
        "sticky rice",
        "ripe mangoes|=2 ripe mangoes|sliced|R|mango\nglutinous rice|200 g",
    ),
    _classic(
        "Baklava",
        "middle_eastern",
        "tart",
        "baklava",
        "walnuts|200 g|finely chopped|n\nshelled pistachios|100 g|chopped|n\nfilo pastry|270 g||g",
    ),
    _classic("Crema catalana", "spanish", "custard", "crema catalana", "unwaxed lemon|=1 unwaxed lemon|zested"),
    _classic("New York cheesecake", "american", "cheesecake", "cheesecake", "vanilla extract|2 tsp"),
    _classic("Pecan pie", "american", "tart", "pie", "pecans|200 g||n|pecan\nmaple syrup|150 ml"),
)

# --- Words for titles, descriptions and notes ----------------------------------------------------

_ADJECTIVES = (
    "smoky", "spicy", "creamy", "crispy", "easy", "hearty", "zesty", "garlicky", "herby", "sticky",
    "golden", "rustic", "quick", "fiery", "tangy", "simple", "summery", "warming", "speedy", "charred",
)  # fmt: skip
_SWEET_ADJECTIVES = (
    "gooey", "easy", "best-ever", "sticky", "zesty", "spiced", "rustic", "mini", "giant", "light",
    "classic", "Nana's", "fluffy", "chewy", "no-fuss",
)  # fmt: skip
_PAIRS = (
    ("Lemon-garlic", "lemon|=1 lemon|zested and juiced|H", "garlic|=4 cloves garlic|crushed|S"),
    ("Honey-mustard", "honey|2 tbsp||W", "wholegrain mustard|2 tbsp||W"),
    ("Chilli-lime", "red chilli|=1 red chilli|finely chopped|S", "lime|=2 limes|zested and juiced|H"),
    ("Maple-soy", "maple syrup|2 tbsp||W", "soy sauce|3 tbsp||gW"),
    ("Garlic-herb", "garlic|=3 cloves garlic|crushed|S", "mixed fresh herbs|=1 handful mixed fresh herbs|chopped|H"),
    ("Miso-butter", "white miso paste|2 tbsp||W", "butter|40 g|softened|dF"),
    ("Harissa-honey", "harissa|2 tbsp||W", "honey|1 tbsp||W"),
    ("Ginger-garlic", "ginger|=1 thumb-sized piece ginger|grated|S", "garlic|=3 cloves garlic|grated|S"),
    ("Sweet-and-sour", "pineapple chunks|200 g||W", "rice vinegar|2 tbsp||W"),
    ("Pesto", "basil pesto|4 tbsp||dW", ""),
)
_PAIR_SPECS = tuple((title, _specs(a + "\n" + b)) for title, a, b in _PAIRS)
_OCCASIONS = (
    "weeknight", "one-pot", "slow-cooker", "sheet-pan", "Grandma's", "best-ever", "five-ingredient",
    "Sunday", "midweek", "family", "make-ahead", "30-minute",
)  # fmt: skip
_MOODS = ("hearty", "comforting", "bright", "fresh", "creamy", "crisp", "zesty", "fragrant", "rich", "light", "cosy")
_WHEN = (
    "busy weeknights", "lazy Sunday lunches", "feeding a crowd", "cold evenings", "summer barbecues",
    "packed lunches", "date night", "the end of a long day",
)  # fmt: skip
_EXTRA_TAGS = (
    "weeknight", "comfort food", "make-ahead", "freezer-friendly", "kid-friendly", "party", "summer",
    "winter", "autumn", "spring", "christmas", "budget", "meal prep", "family favourite", "easy",
)  # fmt: skip
_ALTERNATIVES = ("chicken", "tofu", "prawns", "chickpeas", "halloumi", "mushrooms", "pork", "lentils")
_SWEET_ALTERNATIVES = ("raspberries", "blueberries", "chopped dark chocolate", "dried cranberries", "sultanas")
