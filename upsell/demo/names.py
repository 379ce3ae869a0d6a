"""Russian people, companies and places for the demo company.

Names are decoded from an index by mixed radix, so a different index always gives a different
name: client names are unique by construction, however many clients there are.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((male, female) for male, _, female in (w.partition("/") for w in text.split()))


MALE_SURNAMES = _words(
    """
    Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов
    Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров
    Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин
    Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов
    Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев
    Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов
    Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов
    Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов
    Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров
    Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев Ермаков Колесников Гончаров
    Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов Громов Кириллов Малышев Панов
    Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов Ерёмин Тихомиров Галкин
    Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов Прокофьев Харитонов Князев Цветков
    Левин Воронцов Аксёнов Мальцев Логинов Горшков Савин Краснов Демидов Елисеев Рыбаков Сафонов
    Плотников Хохлов Фадеев Молчанов Литвинов Ершов Ушаков Рябов Мухин Калашников Лобанов
    Бородин Платонов Некрасов Балашов Бобров Жданов Блинов Коротков Муравьёв Крюков Дроздов
    Лавров Зуев Петухов Ларин Никулин Серов Зотов Устинов Фокин Самойлов Сахаров Шишкин Черкасов
    Чистяков Носов Покровский Никольский Вишневский Высоцкий Островский Троицкий Бондаренко
    Ткаченко Шевченко Кравченко Коваленко Черных Седых
    """
)

MALE_FIRST_NAMES = _words(
    """
    Александр Алексей Андрей Антон Артём Борис Вадим Валерий Василий Виктор Владимир Владислав
    Вячеслав Геннадий Георгий Глеб Григорий Денис Дмитрий Евгений Егор Иван Игорь Илья Кирилл
    Константин Леонид Максим Михаил Никита Николай Олег Павел Пётр Роман Руслан Сергей Станислав
    Степан Тимур Фёдор Юрий Ярослав
    """
)

FEMALE_FIRST_NAMES = _words(
    """
    Анна Алина Алёна Анастасия Валентина Валерия Вера Виктория Галина Дарья Евгения Екатерина
    Елена Елизавета Жанна Зоя Инна Ирина Карина Кристина Ксения Лариса Любовь Людмила Маргарита
    Марина Мария Надежда Наталья Нина Оксана Ольга Полина Светлана Софья Тамара Татьяна Юлия Яна
    """
)

# A father's name and the patronymics it gives a son and a daughter.
PATRONYMICS = _pairs(
    """
    Александрович/Александровна Алексеевич/Алексеевна Андреевич/Андреевна
    Анатольевич/Анатольевна Борисович/Борисовна Валерьевич/Валерьевна Васильевич/Васильевна
    Викторович/Викторовна Владимирович/Владимировна Вячеславович/Вячеславовна
    Геннадьевич/Геннадьевна Григорьевич/Григорьевна Дмитриевич/Дмитриевна Евгеньевич/Евгеньевна
    Иванович/Ивановна Игоревич/Игоревна Ильич/Ильинична Константинович/Константиновна
    Леонидович/Леонидовна Михайлович/Михайловна Николаевич/Николаевна Олегович/Олеговна
    Павлович/Павловна Петрович/Петровна Романович/Романовна Сергеевич/Сергеевна
    Станиславович/Станиславовна Степанович/Степановна Фёдорович/Фёдоровна Юрьевич/Юрьевна
    """
)

# Halves of a trade name ("Техно" + "Снаб"): the usual make-up of Russian company names.
BRAND_STEMS = _words(
    """
    Техно Пром Евро Сиб Урал Волга Нева Север Юг Гранд Альфа Мега Профи Термо Аква Электро
    Металл Гидро Эко Рус Кама Дон Ока Вектор Монолит Базис Арсенал Интер Спец Авангард Гарант
    Лидер Стандарт Формат Кредо Регион Оптима Вега Орион Атлант Титан Магистраль Ресурс Импульс
    Полюс Меридиан
    """
)
BRAND_ENDINGS = _words(
    """
    Снаб Монтаж Комплект Сервис Торг Маркет Трейд Инвест Систем Снабжение Мастер Холдинг Партнёр
    Логистик Пласт Тех Опт Профиль Проект Инжиниринг Техника Материалы Строй Дом Центр Альянс
    Капитал Индустрия База Склад Лайн Вертикаль Сфера Эксперт Поставка Терминал Механика Форт
    Групп Энерго
    """
)
# How a trade name is dressed up: "ТД Техноснаб", "Техноснаб Плюс", "ПКФ Техноснаб"…
BRAND_PATTERNS = ("{}", "ТД {}", "{} Плюс", "ПКФ {}", "{}-М", "{} Про", "{}-Центр", "НПО {}")

LEGAL_FORMS = ("ООО", "АО", "ЗАО", "ПАО")


@dataclass(frozen=True)
class Region:
    name: str
    city: str
    tax_code: int  # the first two digits of an ИНН registered there
    weight: float


REGIONS = (
    Region("Москва", "Москва", 77, 0.20),
    Region("Московская область", "Подольск", 50, 0.11),
    Region("Санкт-Петербург", "Санкт-Петербург", 78, 0.08),
    Region("Ленинградская область", "Гатчина", 47, 0.03),
    Region("Свердловская область", "Екатеринбург", 66, 0.05),
    Region("Новосибирская область", "Новосибирск", 54, 0.04),
    Region("Республика Татарстан", "Казань", 16, 0.05),
    Region("Краснодарский край", "Краснодар", 23, 0.05),
    Region("Нижегородская область", "Нижний Новгород", 52, 0.04),
    Region("Самарская область", "Самара", 63, 0.03),
    Region("Ростовская область", "Ростов-на-Дону", 61, 0.04),
    Region("Челябинская область", "Челябинск", 74, 0.03),
    Region("Республика Башкортостан", "Уфа", 2, 0.03),
    Region("Пермский край", "Пермь", 59, 0.02),
    Region("Воронежская область", "Воронеж", 36, 0.03),
    Region("Красноярский край", "Красноярск", 24, 0.02),
    Region("Тюменская область", "Тюмень", 72, 0.02),
    Region("Тульская область", "Тула", 71, 0.02),
    Region("Ярославская область", "Ярославль", 76, 0.02),
    Region("Калужская область", "Калуга", 40, 0.02),
    Region("Владимирская область", "Владимир", 33, 0.02),
    Region("Тверская область", "Тверь", 69, 0.02),
    Region("Рязанская область", "Рязань", 62, 0.02),
)


def female_surname(surname: str) -> str:
    for male, female in (("ский", "ская"), ("цкий", "цкая")):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname  # -енко, -ых: the same for women


def person_name(index: int, *, female: bool) -> str:
    """The ФИО ("Иванова Анна Сергеевна") numbered ``index`` among people of one sex."""
    first_names = FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES
    index, surname = divmod(index, len(MALE_SURNAMES))
    index, first = divmod(index, len(first_names))
    index, patronymic = divmod(index, len(PATRONYMICS))
    family = MALE_SURNAMES[surname]
    name = (
        f"{female_surname(family) if female else family} {first_names[first]} "
        f"{PATRONYMICS[patronymic][1 if female else 0]}"
    )
    # Beyond every combination (millions of people), the index is spelled out to stay unique.
    return f"{name} ({index + 1})" if index else name


def person_capacity() -> int:
    """How many distinct names ``person_name`` spells for each sex before numbering them."""
    return (
        len(MALE_SURNAMES) * min(len(MALE_FIRST_NAMES), len(FEMALE_FIRST_NAMES)) * len(PATRONYMICS)
    )


def brand_capacity() -> int:
    return len(BRAND_STEMS) * len(BRAND_ENDINGS) * len(BRAND_PATTERNS)


def brand_name(index: int) -> str:
    """The trade name numbered ``index``; past every combination, a city tells them apart."""
    index, stem = divmod(index, len(BRAND_STEMS))
    index, ending = divmod(index, len(BRAND_ENDINGS))
    index, pattern = divmod(index, len(BRAND_PATTERNS))
    word = BRAND_STEMS[stem] + BRAND_ENDINGS[ending].lower()
    name = BRAND_PATTERNS[pattern].format(word)
    if index == 0:
        return name
    index, city = divmod(index - 1, len(REGIONS))
    suffix = REGIONS[city].city if index == 0 else f"{REGIONS[city].city}-{index + 1}"
    return f"{name} {suffix}"


def scatter(ordinals: NDArray[np.int64], *, span: int, offset: int) -> NDArray[np.int64]:
    """Spread consecutive ordinals over [0, span) without collisions (an affine bijection)."""
    multiplier = _coprime_multiplier(span)
    result: NDArray[np.int64] = (multiplier * ordinals + offset) % span
    return result


def _coprime_multiplier(span: int) -> int:
    """A multiplier near 0.618 × span that is coprime with span, for a well-mixed bijection."""
    candidate = max(1, int(span * 0.6180339887))
    while np.gcd(candidate, span) != 1:
        candidate += 1
    return candidate
