from django.db import migrations

# The first version of the booking form's privacy notice (PIPL §17); staff publish new versions in the admin.
TEXT = """处理者：本网站所属的街道办事处及场馆所在社区居民委员会。
收集的信息：预约人姓名、联系电话，团体参观的单位名称，参观人数和参观目的（选填）。团体预约不收集参观人员（包括未成年人）的姓名。
用途：确认、提醒、查询和取消您的预约，安排讲解，统计参观人数。联系电话只用于发送与本次预约有关的短信。
保存期限：参观日期后 365 天，届时姓名、电话、参观目的自动删除，只保留人数用于统计。
您的权利：您可以查阅、复制、更正、删除您的预约信息，也可以随时在预约页面取消预约；如需帮助，请联系场馆所在社区居民委员会。
未满十四周岁的未成年人，须由其监护人代为预约并同意本告知。"""


def forward(apps, schema_editor):
    PrivacyNotice = apps.get_model("venues", "PrivacyNotice")
    if not PrivacyNotice.objects.exists():
        PrivacyNotice.objects.create(version=1, text=TEXT)


class Migration(migrations.Migration):
    dependencies = [("venues", "0011_privacy_notice")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
