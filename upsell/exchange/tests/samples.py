"""CommerceML 2 files as 1C writes them (schema 2.08): the catalogue (import.xml), the offers
(offers.xml) and the documents of the sale exchange, and an exchange session driven as 1C
drives one."""

import base64
import io
import zipfile

from django.test import Client as HttpClient

URL = "/exchange/1c/"
PASSWORD = "correct-horse-battery"
ROMASHKA_INN = "7707083893"
LUTIK_INN = "7736207543"


def declared(body: str, encoding: str) -> bytes:
    """The file as 1C saves it: its declaration names the encoding it is written in."""
    name = "windows-1251" if encoding == "cp1251" else "UTF-8"
    return f'<?xml version="1.0" encoding="{name}"?>\n{body}'.encode(encoding)


def information(inner: str, version: str = "2.08") -> str:
    return (
        f'<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="{version}" '
        f'ДатаФормирования="2026-12-01T09:30:00">\n{inner}</КоммерческаяИнформация>\n'
    )


def catalogue_xml(version: str = "2.08") -> str:
    return information(
        """  <Классификатор>
    <Ид>5f1c1e1a-0b7e-4c3d-9b7e-000000000001</Ид>
    <Наименование>Классификатор (Основной каталог товаров)</Наименование>
    <Группы>
      <Группа>
        <Ид>a1000000-0000-0000-0000-000000000001</Ид>
        <Наименование>Крепёж</Наименование>
        <Группы>
          <Группа>
            <Ид>a1000000-0000-0000-0000-000000000002</Ид>
            <Наименование>Болты</Наименование>
          </Группа>
        </Группы>
      </Группа>
    </Группы>
  </Классификатор>
  <Каталог СодержитТолькоИзменения="false">
    <Ид>5f1c1e1a-0b7e-4c3d-9b7e-000000000001</Ид>
    <ИдКлассификатора>5f1c1e1a-0b7e-4c3d-9b7e-000000000001</ИдКлассификатора>
    <Наименование>Основной каталог товаров</Наименование>
    <Товары>
      <Товар>
        <Ид>b2000000-0000-0000-0000-000000000001</Ид>
        <Артикул>A-1</Артикул>
        <Наименование>Болт М8</Наименование>
        <БазоваяЕдиница Код="796" НаименованиеПолное="Штука"
            МеждународноеСокращение="PCE">шт</БазоваяЕдиница>
        <Группы><Ид>a1000000-0000-0000-0000-000000000002</Ид></Группы>
        <СтавкиНалогов>
          <СтавкаНалога><Наименование>НДС</Наименование><Ставка>20</Ставка></СтавкаНалога>
        </СтавкиНалогов>
      </Товар>
      <Товар>
        <Ид>b2000000-0000-0000-0000-000000000002</Ид>
        <Артикул>B-2</Артикул>
        <Наименование>Гайка М8</Наименование>
        <БазоваяЕдиница Код="796" НаименованиеПолное="Штука">шт</БазоваяЕдиница>
        <Группы><Ид>a1000000-0000-0000-0000-000000000001</Ид></Группы>
      </Товар>
      <Товар>
        <Ид>b2000000-0000-0000-0000-000000000003</Ид>
        <Наименование>Шайба плоская</Наименование>
        <БазоваяЕдиница Код="166" НаименованиеПолное="Килограмм">кг</БазоваяЕдиница>
      </Товар>
    </Товары>
  </Каталог>
""",
        version,
    )


def offers_xml(sku: str = "A-1") -> str:
    return information(
        f"""  <ПакетПредложений СодержитТолькоИзменения="false">
    <Ид>5f1c1e1a-0b7e-4c3d-9b7e-000000000001#</Ид>
    <Наименование>Пакет предложений (Основной каталог товаров)</Наименование>
    <ИдКаталога>5f1c1e1a-0b7e-4c3d-9b7e-000000000001</ИдКаталога>
    <ТипыЦен>
      <ТипЦены>
        <Ид>c3000000-0000-0000-0000-000000000001</Ид>
        <Наименование>Оптовая</Наименование>
        <Валюта>RUB</Валюта>
      </ТипЦены>
    </ТипыЦен>
    <Предложения>
      <Предложение>
        <Ид>b2000000-0000-0000-0000-000000000001</Ид>
        <Артикул>{sku}</Артикул>
        <Наименование>Болт М8</Наименование>
        <Цены>
          <Цена>
            <ИдТипаЦены>c3000000-0000-0000-0000-000000000001</ИдТипаЦены>
            <ЦенаЗаЕдиницу>12.50</ЦенаЗаЕдиницу>
            <Валюта>RUB</Валюта>
            <Единица>шт</Единица>
          </Цена>
        </Цены>
        <Количество>1200</Количество>
      </Предложение>
    </Предложения>
  </ПакетПредложений>
"""
    )


def counterparty(name: str, tax_id: str = "", kpp: str = "") -> str:
    codes = (f"<ИНН>{tax_id}</ИНН>" if tax_id else "") + (f"<КПП>{kpp}</КПП>" if kpp else "")
    return f"""    <Контрагенты>
      <Контрагент>
        <Ид>d4000000-0000-0000-0000-{sum(map(ord, name)):012d}</Ид>
        <Наименование>{name}</Наименование>
        <ПолноеНаименование>Общество с ограниченной ответственностью «{name}»</ПолноеНаименование>
        <Роль>Покупатель</Роль>
        {codes}
      </Контрагент>
    </Контрагенты>
"""


def line(sku: str, name: str, quantity: str, price: str, amount: str) -> str:
    return f"""      <Товар>
        <Ид>{sku}</Ид>
        <Артикул>{sku}</Артикул>
        <Наименование>{name}</Наименование>
        <БазоваяЕдиница Код="796" НаименованиеПолное="Штука">шт</БазоваяЕдиница>
        <ЦенаЗаЕдиницу>{price}</ЦенаЗаЕдиницу>
        <Количество>{quantity}</Количество>
        <Сумма>{amount}</Сумма>
      </Товар>
"""


def document(
    number: str, date: str, operation: str, buyer: str, lines: str, *, total: str = "0"
) -> str:
    return f"""  <Документ>
    <Ид>e5000000-0000-0000-0000-{number.rjust(12, "0")[-12:]}</Ид>
    <Номер>{number}</Номер>
    <Дата>{date}</Дата>
    <ХозОперация>{operation}</ХозОперация>
    <Роль>Продавец</Роль>
    <Валюта>RUB</Валюта>
    <Курс>1</Курс>
    <Сумма>{total}</Сумма>
{buyer}    <Время>10:15:00</Время>
    <Товары>
{lines}    </Товары>
  </Документ>
"""


def documents_xml() -> str:
    """An order of «Ромашка» and a sale (Реализация) to «Лютик», each with its buyer's ИНН."""
    return information(
        document(
            "ЗК-00012",
            "2026-11-30",
            "Заказ товара",
            counterparty("Ромашка", ROMASHKA_INN, "770701001"),
            line("A-1", "Болт М8", "100", "12.50", "1250.00")
            + line("B-2", "Гайка М8", "200", "3.40", "680.00"),
            total="1930.00",
        )
        + document(
            "РТ-00345",
            "2026-11-28",
            "Отпуск товара",
            counterparty("Лютик", LUTIK_INN),
            line("A-1", "Болт М8", "40", "12.00", "480.00"),
            total="480.00",
        )
    )


def zipped(files: dict[str, bytes]) -> bytes:
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return content.getvalue()


class OneC:
    """1C's side of «Обмен с сайтом»: what it sends and what it reads back."""

    def __init__(self, username: str, password: str = PASSWORD) -> None:
        self.http = HttpClient()
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.auth = {"Authorization": f"Basic {token}"}

    def get(self, kind: str, mode: str, **params: str) -> tuple[int, str]:
        response = self.http.get(URL, {"type": kind, "mode": mode, **params}, headers=self.auth)
        return response.status_code, response.content.decode(_charset(response))

    def checkauth(self, kind: str = "catalog") -> list[str]:
        status, text = self.get(kind, "checkauth")
        lines = text.split("\n")
        if status == 200 and lines[0] == "success":
            self.http.cookies[lines[1]] = lines[2]
        return [str(status), *lines]

    def send(self, kind: str, filename: str, data: bytes) -> tuple[int, str]:
        response = self.http.post(
            f"{URL}?type={kind}&mode=file&filename={filename}",
            data=data,
            content_type="application/octet-stream",
            headers=self.auth,
        )
        return response.status_code, response.content.decode()


def _charset(response: object) -> str:
    content_type = str(getattr(response, "headers", {}).get("Content-Type", ""))
    return content_type.partition("charset=")[2] or "utf-8"
